// Specification: what the server writes is private to its user. The data folder and the import folder
// are 0700, the database files, their write-ahead logs and server.json 0600 — also when they existed
// with looser modes; server.json is written fresh and never through a planted symlink. The import
// hand-off treats a process it may not signal (EPERM) as alive.
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { handOffPath, isProcessAlive, readHandOff } from '../../pipeline/handoff-client.ts';
import { privateStorePathFor } from '../../api/private-store.ts';
import { startServer } from '../../api/server.ts';
import { importDirectoryFor } from '../../pipeline/db.ts';
import { ensurePrivateDirectory } from '../../pipeline/private-files.ts';
import { tempDir } from '../helpers/temp.ts';

const temp = tempDir('styringsdata-files-');
afterAll(() => temp.remove());
const mode = (path: string) => statSync(path).mode & 0o7777;
const start = (dbPath: string) => startServer({ dbPath, port: 0, webDir: temp.path, logger: pino({ level: 'silent' }) });

describe('modes', () => {
  it('a fresh start creates the folders 0700 and every file 0600, .wal included', async () => {
    const dbPath = join(temp.path, 'fresh', 'data', 'styringsdata.duckdb');
    const server = await start(dbPath);
    try {
      // A write after start: DuckDB creates the .wal now, under the server's umask.
      await server.runtime.services.warehouse.withConnection((c) => c.run(`INSERT INTO import_rejected_row (import_id, message) VALUES (0, 'x')`));
      await server.auditLog.record(null, { action: 'test' });
      await server.auditLog.flush();
      expect(process.umask()).toBe(0o077);
      expect(mode(join(temp.path, 'fresh', 'data'))).toBe(0o700);
      expect(mode(importDirectoryFor(server.runtime.services.warehouse))).toBe(0o700);
      const files = [dbPath, `${dbPath}.wal`, privateStorePathFor(dbPath), `${privateStorePathFor(dbPath)}.wal`, handOffPath(dbPath)];
      expect(files.filter((file) => existsSync(file))).toEqual(files); // all five exist while it runs
      for (const file of files) expect(mode(file), file).toBe(0o600);
    } finally {
      await server.close();
    }
  });

  it('tightens folders and files that already exist with looser modes', async () => {
    const folder = join(temp.path, 'loose');
    const dbPath = join(folder, 'styringsdata.duckdb');
    await (await start(dbPath)).close();
    const imports = join(folder, 'imports');
    for (const path of [folder, imports]) chmodSync(path, 0o755);
    for (const path of [dbPath, privateStorePathFor(dbPath)]) chmodSync(path, 0o644);
    const server = await start(dbPath);
    try {
      expect([mode(folder), mode(imports), mode(dbPath), mode(privateStorePathFor(dbPath))]).toEqual([0o700, 0o700, 0o600, 0o600]);
    } finally {
      await server.close();
    }
  });

  it('leaves a shared sticky folder such as /tmp as it is, and says why', () => {
    const shared = join(temp.path, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    expect(ensurePrivateDirectory(shared)).toMatch(/shared folder.*left as it is/);
    expect(mode(shared)).toBe(0o1777);
  });
});

describe('server.json', () => {
  it('is written fresh: a symlink planted in its place is replaced, its target left untouched', async () => {
    const folder = join(temp.path, 'planted');
    mkdirSync(folder);
    const victim = join(temp.path, 'victim.txt');
    writeFileSync(victim, 'untouched');
    chmodSync(victim, 0o644);
    const dbPath = join(folder, 'styringsdata.duckdb');
    symlinkSync(victim, handOffPath(dbPath));
    const server = await start(dbPath);
    try {
      expect(readFileSync(victim, 'utf8')).toBe('untouched');
      expect(mode(victim)).toBe(0o644);
      const written = lstatSync(handOffPath(dbPath));
      expect(written.isSymbolicLink()).toBe(false);
      expect(written.mode & 0o7777).toBe(0o600);
      expect(readHandOff(dbPath)).toMatchObject({ url: server.url, pid: process.pid });
    } finally {
      await server.close();
    }
  });
});

describe('the hand-off and processes it cannot signal', () => {
  const failWith = (code: string) => () => {
    throw Object.assign(new Error(code), { code });
  };

  it('EPERM (another user\'s process) is alive; ESRCH (no such process) is gone', () => {
    expect(isProcessAlive(4242, failWith('EPERM'))).toBe(true);
    expect(isProcessAlive(4242, failWith('ESRCH'))).toBe(false);
    expect(isProcessAlive(process.pid)).toBe(true);
  });

  it.skipIf(process.getuid?.() === 0)('pid 1 (init, not ours) is alive for a user who is not root', () => {
    expect(isProcessAlive(1)).toBe(true);
  });

  it('readHandOff keeps a file whose pid it may not signal and drops one whose process is gone', () => {
    const folder = join(temp.path, 'handoff');
    mkdirSync(folder);
    const dbPath = join(folder, 'styringsdata.duckdb');
    // Process ids are below 2^22 on Linux: 2^22 + 1 cannot exist (ESRCH).
    writeFileSync(handOffPath(dbPath), JSON.stringify({ url: 'http://127.0.0.1:1', token: 't', pid: 2 ** 22 + 1 }));
    expect(readHandOff(dbPath)).toBeNull();
    const alive = process.getuid?.() === 0 ? process.pid : 1; // as root every pid is signalable: use our own
    writeFileSync(handOffPath(dbPath), JSON.stringify({ url: 'http://127.0.0.1:1', token: 't', pid: alive }));
    expect(readHandOff(dbPath)).toMatchObject({ pid: alive });
    writeFileSync(handOffPath(dbPath), JSON.stringify({ url: 'http://127.0.0.1:1', token: 't', pid: 'not a number' }));
    expect(readHandOff(dbPath)).toBeNull();
  });
});
