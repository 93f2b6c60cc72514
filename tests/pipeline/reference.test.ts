// The code history decides under which municipality every stay is counted, so it is specified here
// with the examples of metrics.md and shared/data/municipality-code-changes.csv.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openWarehouse, parseCodeChanges, type Warehouse } from '../../pipeline/db.ts';
import { tempDir } from '../helpers/temp.ts';

let warehouse: Warehouse;
const dir = tempDir();

beforeAll(async () => {
  warehouse = await openWarehouse(join(dir.path, 'reference.duckdb'));
});
afterAll(() => {
  warehouse.close();
  dir.remove();
});

async function currentCodeOf(code: string) {
  return warehouse.withConnection(async (c) => {
    const rows = (await c.runAndReadAll('SELECT current_code, mappable FROM municipality_code_map WHERE code = $1', [code])).getRowObjectsJson();
    return rows[0] ?? null;
  });
}

describe('municipality code history', () => {
  it.each([
    ['1001', '4204'], // Kristiansand 2020
    ['1017', '4204'], // Songdalen merged into Kristiansand
    ['1018', '4204'], // Søgne merged into Kristiansand
    ['0219', '3201'], // Bærum: 0219 → 3024 (2020) → 3201 (2024)
    ['3024', '3201'],
    ['0602', '3301'], // Drammen: 0602, 0625, 0711 → 3005 → 3301
    ['0625', '3301'],
    ['0711', '3301'],
    ['3005', '3301'],
    ['4223', '4223'], // a current code maps to itself
  ])('maps %s to %s', async (code, expected) => {
    expect(await currentCodeOf(code)).toEqual({ current_code: expected, mappable: true });
  });

  it('keeps a split code as it is and flags it as not mappable', async () => {
    expect(await currentCodeOf('1507')).toEqual({ current_code: '1507', mappable: false });
  });

  it('knows no code it was not told about', async () => {
    expect(await currentCodeOf('9999')).toBeNull();
  });

  it('parses chains and splits of the shared table format', () => {
    const edges = parseCodeChanges('old_code,old_name,changes\n0220,Asker,"2020:3025 Asker -> 2024:3203 Asker"\n1507,Ålesund,"2024:1508 Ålesund | 2024:1580 Haram"\n');
    expect(edges.map((e) => `${e.oldCode}>${e.newCode}@${e.year}`)).toEqual([
      '0220>3025@2020',
      '3025>3203@2024',
      '1507>1508@2024',
      '1507>1580@2024',
    ]);
  });

  it('seeds Knutepunkt Sørlandet with its five municipalities', async () => {
    const members = await warehouse.withConnection(async (c) =>
      (await c.runAndReadAll("SELECT list(municipality_code ORDER BY municipality_code) FROM collaboration_member WHERE collaboration_id = 'knutepunkt-sorlandet'")).getRowsJson()[0]?.[0],
    );
    expect(members).toEqual(['4204', '4215', '4216', '4218', '4223']);
  });
});
