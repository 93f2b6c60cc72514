// Import semantics of extracts.md: whole or nothing, idempotent, a corrected extract replaces by
// natural key, every attempt recorded, and readers never see half an import.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../pipeline/db.ts';
import { importFile, importFiles } from '../../pipeline/import.ts';
import { tempDir } from '../helpers/temp.ts';
import { csv, dataSnapshot, freshWarehouse, hospitalColumns, rows, stay, writeExtract } from './extracts.ts';

const dir = tempDir();
let warehouse: Warehouse;
let changes = 0;

beforeAll(async () => {
  warehouse = await freshWarehouse(dir.path, 'semantics');
  warehouse.onDataChange(() => changes++);
});
afterAll(() => {
  warehouse.close();
  dir.remove();
});

// January extract: stays S1–S3. The corrected extract changes S2 (age 82 → 90), drops nothing,
// adds S4. Expected after both: S1, S2 (90), S3, S4 — four stays, none twice.
const january = csv(hospitalColumns, [stay({ opphold_id: 'S1' }), stay({ opphold_id: 'S2' }), stay({ opphold_id: 'S3' })]);
const corrected = csv(hospitalColumns, [stay({ opphold_id: 'S2', alder: '90' }), stay({ opphold_id: 'S4' })]);
const stays = () => rows(warehouse, 'SELECT stay_id, age FROM hospital_stay ORDER BY stay_id');

describe('import semantics', () => {
  it('imports, then says unchanged for the same file and touches nothing', async () => {
    const path = writeExtract(dir.path, 'january.csv', january);
    const first = await importFile(warehouse, path, { importedBy: 'tester' });
    expect(first).toMatchObject({ status: 'imported', rowsImported: 3 });
    expect(changes).toBe(1);
    const before = await dataSnapshot(warehouse);

    const again = await importFile(warehouse, writeExtract(dir.path, 'january-copy.csv', january));
    expect(again).toMatchObject({ status: 'unchanged', kind: 'sykehusopphold', rowsImported: 0 });
    expect(await dataSnapshot(warehouse)).toBe(before);
    expect(changes).toBe(1);

    const log = await rows(warehouse, `SELECT file_name, status, rows_read, rows_imported, imported_by, kind, encoding, delimiter, length(sha256) AS hash FROM import_log ORDER BY import_id`);
    expect(log).toEqual([
      { file_name: path, status: 'imported', rows_read: '3', rows_imported: '3', imported_by: 'tester', kind: 'sykehusopphold', encoding: 'utf-8', delimiter: ';', hash: '64' },
      expect.objectContaining({ status: 'unchanged', rows_imported: '0' }),
    ]);
  });

  it('lets a corrected extract replace the stays it overlaps by natural key', async () => {
    const result = await importFile(warehouse, writeExtract(dir.path, 'january-corrected.csv', corrected));
    expect(result).toMatchObject({ status: 'imported', rowsImported: 2 });
    expect(await stays()).toEqual([
      { stay_id: 'S1', age: 82 },
      { stay_id: 'S2', age: 90 },
      { stay_id: 'S3', age: 82 },
      { stay_id: 'S4', age: 82 },
    ]);
  });

  it('leaves every data table the same when a file is rejected, but records the attempt', async () => {
    const before = await dataSnapshot(warehouse);
    const bad = csv(hospitalColumns, [stay({ opphold_id: 'S1', alder: '50' }), stay({ opphold_id: 'S9', alder: '200' })]);
    const result = await importFile(warehouse, writeExtract(dir.path, 'bad.csv', bad));
    expect(result).toMatchObject({ status: 'rejected', rowsRejected: 1, rowsImported: 0 });
    expect(await dataSnapshot(warehouse)).toBe(before);
    const logged = await rows(warehouse, `SELECT l.status, r.line, r.column_name FROM import_log l JOIN import_rejected_row r USING (import_id) WHERE import_id = ${result.importId}`);
    expect(logged).toEqual([{ status: 'rejected', line: 3, column_name: 'alder' }]);
  });

  it('imports several files in order and reports each', async () => {
    const summary = await importFiles(warehouse, [
      writeExtract(dir.path, 'feb.csv', csv(hospitalColumns, [stay({ opphold_id: 'F1' })])),
      writeExtract(dir.path, 'empty.csv', ''),
    ]);
    expect(summary.files.map((f) => [f.status, f.rowsImported])).toEqual([
      ['imported', 1],
      ['rejected', 0],
    ]);
  });
});

describe('a reader during an import', () => {
  it('sees the old data or the new, never half an import', async () => {
    // 20 000 stays, then a corrected extract of the same 20 000 with another age plus 1 000 new ones.
    // Between the delete and the insert the writer's own view holds 1 000 rows; a reader must only
    // ever see 20 000 rows of age 82 (old) or 21 000 of age 90 (new).
    const reader = await freshWarehouse(dir.path, 'reader');
    try {
      const many = (count: number, age: string) => Array.from({ length: count }, (_, i) => stay({ opphold_id: `R${i}`, alder: age }));
      await importFile(reader, writeExtract(dir.path, 'old.csv', csv(hospitalColumns, many(20_000, '82'))));
      const observed: string[] = [];
      const look = () =>
        reader.withConnection(async (c) => {
          const [count, ages] = (await c.runAndReadAll(`SELECT count(*), string_agg(DISTINCT age::VARCHAR, ',') FROM hospital_stay`)).getRows()[0]!;
          observed.push(`${count}:${ages}`);
        });
      const pending: Promise<void>[] = [];
      let reading = true;
      const loop = (async () => {
        while (reading) await look();
      })();
      const result = await importFile(reader, writeExtract(dir.path, 'new.csv', csv(hospitalColumns, many(21_000, '90'))), {
        onProgress: (p) => {
          if (p.phase === 'loading') pending.push(look()); // also read at the worst moment: mid-transaction
        },
      });
      reading = false;
      await loop;
      await Promise.all(pending);
      await look();
      expect(result.status).toBe('imported');
      expect(observed.length).toBeGreaterThan(2);
      expect(new Set(observed)).toEqual(new Set(['20000:82', '21000:90']));
      expect(observed.at(-1)).toBe('21000:90');
    } finally {
      reader.close();
    }
  });
});

describe('work before the commit', () => {
  it('runs beforeCommit inside the import transaction: its connection sees the new rows, others do not yet', async () => {
    // The warehouse holds the stays of the tests above (n); this extract adds S5.
    const before = (await stays()).length;
    const seen: { kind: string; own: number; other: number }[] = [];
    const result = await importFile(warehouse, writeExtract(dir.path, 'february.csv', csv(hospitalColumns, [stay({ opphold_id: 'S5' })])), {
      beforeCommit: async (connection, kind) => {
        const count = async (c: typeof connection) => Number((await c.runAndReadAll('SELECT count(*) FROM hospital_stay')).getRows()[0]![0]);
        seen.push({ kind, own: await count(connection), other: await warehouse.withConnection(count) });
      },
    });
    expect(result.status).toBe('imported');
    expect(seen).toEqual([{ kind: 'sykehusopphold', own: before + 1, other: before }]);
    expect(await stays()).toHaveLength(before + 1);
  });

  it('rolls the import back when beforeCommit fails', async () => {
    const before = await stays();
    const path = writeExtract(dir.path, 'march.csv', csv(hospitalColumns, [stay({ opphold_id: 'S6' })]));
    await expect(importFile(warehouse, path, { beforeCommit: () => Promise.reject(new Error('rebuild failed')) })).rejects.toThrow('rebuild failed');
    expect(await stays()).toEqual(before);
  });
});
