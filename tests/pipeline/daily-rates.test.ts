// Specification (issue 12 §7): discharge-ready daily rates are data an admin maintains. An import of
// kind dognpris (aar;dognpris[;kilde]) goes through detect → validate → load: a bad line rejects the
// whole file with its line and column; a year's rate is replaced, the report says from what to what, and
// the cost of that year's nights follows. `npm run rates` sets and lists rates through the same importer.
// The shipped reference file seeds an empty table only, so a correction survives a restart; a database
// from before (year PRIMARY KEY, no provenance) is moved to the new shape with its rates.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryMetric } from '../../api/metrics/engine.ts';
import type { MetricQuery } from '../../contract/types.ts';
import { openWarehouse } from '../../pipeline/db.ts';
import { importFile } from '../../pipeline/import.ts';
import { parseRatesArguments, ratesUsage, UsageError } from '../../pipeline/rates-arguments.ts';
import { rateFileContent, runRates } from '../../pipeline/rates.ts';
import { testWarehouse, type TestWarehouse } from '../metrics/fixture.ts';
import { tempDir } from '../helpers/temp.ts';
import { rows, writeExtract } from './extracts.ts';

const dir = tempDir('styringsdata-rates-');
let t: TestWarehouse;
let fileNumber = 0;
const importText = (text: string, name = `dognpris-${++fileNumber}.csv`) => importFile(t.warehouse, writeExtract(dir.path, name, text));
const rateOf = async (year: number) =>
  (await rows(t.warehouse, `SELECT rate_nok::DOUBLE AS rate, (count(*) OVER ())::INTEGER AS n FROM discharge_ready_daily_rate WHERE year = ${year}`))[0] ?? null;

const march2024: MetricQuery = {
  metric: 'discharge-ready-days', municipalities: ['4204'], from: '2024-03', to: '2024-03', by: 'month', sex: 'all', standardise: 'none',
};

beforeAll(async () => {
  t = await testWarehouse();
  // Ready 1 March 2024 10:00, discharged 4 March → nights 1, 2 and 3 March: 3 discharge-ready days in 2024.
  await t.stay({ patient: 'A', admitted: '2024-02-25 10:00', ready: '2024-03-01 10:00', discharged: '2024-03-04 12:00' });
  // Another hospital stay later, so that the data-through date lies after March.
  await t.stay({ patient: 'B', admitted: '2024-06-01 10:00', discharged: '2024-06-03 10:00' });
});
afterAll(() => {
  t?.close();
  dir.remove();
});

describe('an import of kind dognpris', () => {
  it('rejects the whole file when a line is bad, naming its line and column, and changes nothing', async () => {
    const result = await importText('aar;dognpris\n2024;5100\n2025;fem tusen\n25;0\n');
    expect(result).toMatchObject({ kind: 'dognpris', status: 'rejected', rowsRead: 3, rowsImported: 0, rowsRejected: 2 });
    expect(result.errors).toEqual([
      { line: 3, column: 'dognpris', message: '"fem tusen" is not a number (give kroner per day, e.g. 5245 or 5245,50)' },
      { line: 4, column: 'aar', message: '"25" is not a year (use four digits, e.g. 2025)' },
      { line: 4, column: 'dognpris', message: '"0" is not a positive number of kroner' },
    ]);
    expect(await rateOf(2024)).toEqual({ rate: 5745, n: 1 }); // the shipped rate, untouched
  });

  it('refuses a year twice in one file', async () => {
    const result = await importText('aar;dognpris\n2024;5100\n2024;5200\n');
    expect(result.status).toBe('rejected');
    expect(result.errors).toEqual([{ line: 3, column: 'aar', message: 'the same aar as line 2 (each may appear only once in a file)' }]);
  });

  it('replaces a year\'s rate (reported from → to), adds a new year, and the cost of that year\'s nights follows', async () => {
    // Before: 3 nights × 5 745 = 17 235.
    expect((await queryMetric(t.warehouse, march2024)).rows[0]).toMatchObject({ numerator: 3, costNok: 17235, dailyRateNok: 5745 });
    const versionBefore = t.warehouse.dataVersion;
    // Header aliases år and døgnpris, a decimal comma and a space between thousands; kilde is optional.
    const result = await importText('år;døgnpris;kilde\n2024;5 100,00;Rettet sats\n2026;6000;Statsbudsjettet 2026\n');
    expect(result).toMatchObject({ kind: 'dognpris', status: 'imported', rowsImported: 2, errors: [] });
    expect(result.warnings).toEqual(['rate for 2024 changed from 5 745 to 5 100', 'rate for 2026 added: 6 000']);
    expect(t.warehouse.dataVersion).toBe(versionBefore + 1); // caches keyed on the version drop
    expect(await rateOf(2024)).toEqual({ rate: 5100, n: 1 });
    // After: 3 nights × 5 100 = 15 300.
    expect((await queryMetric(t.warehouse, march2024)).rows[0]).toMatchObject({ numerator: 3, costNok: 15300, dailyRateNok: 5100 });
  });

  it('is idempotent, and a rate set back to an earlier value by an identical file is applied (A, B, A)', async () => {
    const a = 'aar;dognpris\n2024;5064\n';
    expect((await importText(a, 'a.csv')).warnings).toEqual(['rate for 2024 changed from 5 100 to 5 064']);
    // The same file right after itself is the last file of its kind: unchanged, nothing written.
    const again = await importText(a, 'a-again.csv');
    expect(again).toMatchObject({ status: 'unchanged' });
    expect(await rateOf(2024)).toEqual({ rate: 5064, n: 1 });
    await importText('aar;dognpris\n2024;5100\n', 'b.csv');
    expect((await importText(a, 'a-third.csv')).warnings).toEqual(['rate for 2024 changed from 5 100 to 5 064']);
    // 3 nights × 5 064 = 15 192.
    expect((await queryMetric(t.warehouse, march2024)).rows[0]!.costNok).toBe(15192);
    const log = await rows(t.warehouse, `SELECT message FROM import_log WHERE file_name LIKE '%/a-third.csv'`);
    expect(log).toEqual([{ message: 'daily rates: 1 changed, 0 added, 0 unchanged' }]);
  });
});

describe('npm run rates', () => {
  const db = join(dir.path, 'cli', 'rates.duckdb');
  const output = () => {
    const io = { out: '', err: '' };
    return { io, sink: { out: (s: string) => void (io.out += s), err: (s: string) => void (io.err += s), importedBy: 'cli:test' } };
  };

  it('sets a rate (as an import of kind dognpris) and lists it with its source; a second set corrects it', async () => {
    const set = output();
    expect(await runRates(parseRatesArguments(['set', '2025', '5245', '--source', 'Statsbudsjettet 2025', '--db', db]), set.sink)).toBe(0);
    expect(set.io.out).toBe('rate for 2025 added: 5 245 (Statsbudsjettet 2025)\n');
    const fix = output();
    expect(await runRates(parseRatesArguments(['set', '2025', '5250,50', '--db', db]), fix.sink)).toBe(0);
    expect(fix.io.out).toBe('rate for 2025 changed from 5 245 to 5 250.50\n');

    const list = output();
    expect(await runRates(parseRatesArguments(['list', '--db', db]), list.sink)).toBe(0);
    expect(list.io.out).toMatch(/^2024\s+5 745\s+pipeline\/reference\/discharge-ready-daily-rates\.csv \(shipped\)$/m);
    expect(list.io.out).toMatch(/^2025\s+5 250\.50\s+\(import \d+\)$/m);
    const json = output();
    await runRates(parseRatesArguments(['list', '--json', '--db', db]), json.sink);
    expect(JSON.parse(json.io.out).find((r: { year: number }) => r.year === 2025)).toMatchObject({ year: 2025, rateNok: 5250.5, source: null });
    const logged = await (async () => {
      const warehouse = await openWarehouse(db);
      try {
        return await rows(warehouse, `SELECT file_name, kind, status, imported_by FROM import_log ORDER BY import_id`);
      } finally {
        warehouse.close();
      }
    })();
    expect(logged).toEqual([
      { file_name: 'dognpris-2025.csv', kind: 'dognpris', status: 'imported', imported_by: 'cli:test' },
      { file_name: 'dognpris-2025.csv', kind: 'dognpris', status: 'imported', imported_by: 'cli:test' },
    ]);
  });

  it('keeps a correction across restarts: the shipped file seeds an empty table only', async () => {
    const warehouse = await openWarehouse(db);
    try {
      expect(await rows(warehouse, `SELECT rate_nok::DOUBLE AS rate FROM discharge_ready_daily_rate WHERE year = 2025`)).toEqual([{ rate: 5250.5 }]);
      expect(await rows(warehouse, `SELECT count(*)::INTEGER AS n FROM discharge_ready_daily_rate`)).toEqual([{ n: 13 }]); // 12 shipped + 2025
    } finally {
      warehouse.close();
    }
  });

  it('writes the source as one quoted CSV value', () => {
    expect(rateFileContent(2025, '5245', 'Prop. 1 S; "gul bok"')).toBe('aar;dognpris;kilde\n2025;5245;"Prop. 1 S; ""gul bok"""\n');
  });

  it.each([
    [['set', '25', '5245'], 'the year must be 4 digits, e.g. 2025; got "25"'],
    [['set', '2025', 'fem tusen'], 'the rate must be a positive number of kroner per day with at most 2 decimals, e.g. 5245 or 5245,50; got "fem tusen"'],
    [['set', '2025', '0'], 'the rate must be a positive number of kroner per day with at most 2 decimals, e.g. 5245 or 5245,50; got "0"'],
    [['set', '2025', '5245.123'], 'the rate must be a positive number of kroner per day with at most 2 decimals, e.g. 5245 or 5245,50; got "5245.123"'],
    [['set', '2025'], 'set needs a year and a rate, e.g. set 2025 5245'],
    [['list', '--source', 'x'], '--source belongs to set'],
    [['remove', '2025'], 'unknown command "remove" (use list or set)'],
    [[], 'give a command: list or set'],
    [['list', '--frobnicate'], "Unknown option '--frobnicate'"],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseRatesArguments(argv)).toThrow(new UsageError(message));
  });

  it('reads set with its options in any order', () => {
    expect(parseRatesArguments(['--json', 'set', '--db', 'x.duckdb', '2024', '5 100'.replace(' ', ''), '--source', ' SSB '])).toEqual({
      command: 'set', db: 'x.duckdb', json: true, year: 2024, rate: '5100', source: 'SSB',
    });
  });

  it('exits 2 with the reason and the usage on a malformed rate (the real CLI, npm script entry)', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'pipeline/rates-cli.ts', 'set', '2025', '-5', '--db', db], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("rates: Unknown option '-5'");
    expect(result.stderr).toContain(ratesUsage);
  });
});

describe('npm run rates while the server runs', () => {
  it('hands set to the server (an import it runs, caches dropped); list says to stop the server', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { spawn } = await import('node:child_process');
    const pino = (await import('pino')).default;
    const { startServer } = await import('../../api/server.ts');
    const served = join(dir.path, 'served', 'styringsdata.duckdb');
    const webDir = join(dir.path, 'web');
    mkdirSync(webDir, { recursive: true });
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Styringsdata</title>');
    const server = await startServer({ dbPath: served, host: '127.0.0.1', port: 0, webDir, logger: pino({ level: 'silent' }) });
    const rates = async (...args: string[]) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'pipeline/rates-cli.ts', ...args, '--db', served], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      return { code, stdout, stderr };
    };
    try {
      const versionBefore = server.runtime.services.warehouse.dataVersion;
      const set = await rates('set', '2025', '5245', '--source', 'Statsbudsjettet 2025');
      expect(set).toMatchObject({ code: 0, stdout: 'rate for 2025 added: 5 245 (Statsbudsjettet 2025)\n' });
      expect(set.stderr).toContain('handing the rate to it');
      expect(server.runtime.services.warehouse.dataVersion).toBe(versionBefore + 1);
      expect(await rows(server.runtime.services.warehouse, `SELECT rate_nok::DOUBLE AS rate, source FROM discharge_ready_daily_rate WHERE year = 2025`)).toEqual([
        { rate: 5245, source: 'Statsbudsjettet 2025' },
      ]);
      const list = await rates('list');
      expect(list.code).toBe(1);
      expect(list.stderr).toContain('Stop it to list the rates here, or see them in the SQL workbench');
    } finally {
      await server.close();
    }
  });
});

describe('a database from before rates were data', () => {
  it('keeps its rates (as shipped ones) and takes imports of kind dognpris', async () => {
    const path = join(dir.path, 'old', 'old.duckdb');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir.path, 'old'));
    const old = await DuckDBInstance.create(path);
    const connection = await old.connect();
    await connection.run(`CREATE TABLE discharge_ready_daily_rate (year INTEGER PRIMARY KEY, rate_nok DECIMAL(10, 2) NOT NULL);
      INSERT INTO discharge_ready_daily_rate VALUES (2023, 5508), (2024, 5745)`);
    connection.closeSync();
    old.closeSync();

    const warehouse = await openWarehouse(path);
    try {
      expect(await rows(warehouse, `SELECT year, rate_nok::DOUBLE AS rate, import_id FROM discharge_ready_daily_rate ORDER BY year`)).toEqual([
        { year: 2023, rate: 5508, import_id: 0 },
        { year: 2024, rate: 5745, import_id: 0 },
      ]);
      const result = await importFile(warehouse, writeExtract(dir.path, 'old-rates.csv', 'aar;sats\n2024;5100\n'));
      expect(result.warnings).toEqual(['rate for 2024 changed from 5 745 to 5 100']);
    } finally {
      warehouse.close();
    }
  });
});
