// `npm run import` end to end: the real CLI in a child process (tsx), its JSON, table and exit codes.
// The command line's parsing is tested in-process (pipeline/cli-arguments.ts); one spawn checks that a
// usage error reaches the user as exit code 2 with the usage.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArguments, usage, UsageError } from '../../pipeline/cli-arguments.ts';
import { tempDir } from '../helpers/temp.ts';
import { csv, hospitalColumns, stay, writeExtract } from './extracts.ts';

const dir = tempDir();
const db = join(dir.path, 'cli.duckdb');
afterAll(() => dir.remove());

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'pipeline/cli.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, STYRINGSDATA_DB: db },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const good = writeExtract(dir.path, 'good.csv', csv(hospitalColumns, [stay({ opphold_id: 'C1' }), stay({ opphold_id: 'C2' })]));
const bad = writeExtract(dir.path, 'bad.csv', csv(hospitalColumns, [stay({ opphold_id: 'C3' }), stay({ opphold_id: 'C4', utskrevet: '31.02.2024' })]));

describe('npm run import', () => {
  it('imports with --json and exits 0; the same file again is unchanged', () => {
    const first = cli('--json', good);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary.files).toHaveLength(1);
    expect(summary.files[0]).toMatchObject({ file: good, kind: 'sykehusopphold', status: 'imported', rowsRead: 2, rowsImported: 2, rowsRejected: 0, errors: [] });
    const again = cli('--db', db, '--json', good);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).files[0].status).toBe('unchanged');
  });

  it('exits 1 when a file is rejected and lists line, column and reason', () => {
    const result = cli('--json', bad);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).files[0]).toMatchObject({
      status: 'rejected',
      rowsImported: 0,
      errors: [{ line: 3, column: 'utskrevet', message: '"31.02.2024" is not a date (use YYYY-MM-DD or DD.MM.YYYY, optionally followed by HH:MM)' }],
    });
  });

  it('prints a summary table and the errors for people', () => {
    const result = cli('--accept-rejects', bad);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/file\s+kind\s+status\s+read\s+imported\s+rejected/);
    expect(result.stdout).toMatch(/sykehusopphold\s+imported\s+2\s+1\s+1/);
    expect(result.stdout).toContain('line 3, column utskrevet: "31.02.2024" is not a date');
  });

  it('exits 2 on a usage error, with the reason and the usage on stderr', () => {
    const result = cli('--frobnicate', good);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('import: unknown option --frobnicate');
    expect(result.stderr).toContain(usage);
    expect(result.stdout).toBe('');
  });
});

describe('the command line (parsed in-process)', () => {
  it('reads every option, in both --db forms, and takes what follows -- as files', () => {
    expect(parseArguments(['--db', 'x.duckdb', '--json', '--accept-rejects', '--', good])).toEqual({
      db: 'x.duckdb', json: true, acceptRejects: true, files: [good],
    });
    expect(parseArguments([`--db=${db}`, good, bad])).toEqual({ db, json: false, acceptRejects: false, files: [good, bad] });
  });

  it('without --db uses STYRINGSDATA_DB, else data/styringsdata.duckdb (pipeline/db.ts)', () => {
    expect(parseArguments([good]).db).toBe(process.env.STYRINGSDATA_DB ?? 'data/styringsdata.duckdb');
  });

  it.each([
    [['--frobnicate', 'x.csv'], 'unknown option --frobnicate'],
    [[], 'give at least one file to import'],
    [['--json'], 'give at least one file to import'],
    [['no-such-file.csv'], 'no-such-file.csv: no such file'],
    [['--db'], '--db needs a path'],
    [['--vintage'], '--vintage needs the projection round as a year, e.g. --vintage 2024 (got nothing)'],
    [['--vintage', '24', 'x.csv'], '--vintage needs the projection round as a year, e.g. --vintage 2024 (got "24")'],
    [['--vintage=2024;rm', 'x.csv'], '--vintage needs the projection round as a year, e.g. --vintage 2024 (got "2024;rm")'],
    [['--help'], ''],
  ])('refuses %j: "%s"', (args, message) => {
    expect(() => parseArguments(args)).toThrow(UsageError);
    expect(() => parseArguments(args)).toThrow(new UsageError(message));
  });

  it('reads --vintage in both forms (the round of an SSB projection whose file does not say it)', () => {
    expect(parseArguments(['--vintage', '2024', good]).vintage).toBe('2024');
    expect(parseArguments(['--vintage=2022', good]).vintage).toBe('2022');
    expect(parseArguments([good]).vintage).toBeUndefined();
  });

  it('refuses a directory', () => {
    expect(() => parseArguments([dir.path])).toThrow(new UsageError(`${dir.path}: not a file`));
  });
});

describe('npm run import while the server runs', () => {
  it('hands the files to the server that holds the database and reports the same way', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const pino = (await import('pino')).default;
    const { startServer } = await import('../../api/server.ts');
    const served = join(dir.path, 'served', 'styringsdata.duckdb');
    const webDir = join(dir.path, 'web');
    mkdirSync(webDir, { recursive: true });
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Styringsdata</title>');
    const server = await startServer({ dbPath: served, host: '127.0.0.1', port: 0, webDir, logger: pino({ level: 'silent' }) });
    try {
      // The child process cannot open the file (DuckDB: one process per file) and must use server.json.
      const { spawn } = await import('node:child_process');
      const child = spawn(process.execPath, ['--import', 'tsx', 'pipeline/cli.ts', '--db', served, '--json', good], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      expect(JSON.parse(stdout).files[0]).toMatchObject({ kind: 'sykehusopphold', status: 'imported', rowsImported: 2 });
      const stays = await server.runtime.services.warehouse.withConnection(async (c) => (await c.runAndReadAll('SELECT count(*) FROM hospital_stay')).getRows()[0]![0]);
      expect(Number(stays)).toBe(2);
    } finally {
      await server.close();
    }
  });
});
