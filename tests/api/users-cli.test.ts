// Specification: `npm run users` keeps working with users in the private store: add (a leader's codes
// checked against the warehouse), list, disable, reset; its files are private; while the server holds
// the files it says to stop the server first.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { findUser } from '../../api/auth/users.ts';
import { openPrivateStore, privateStorePathFor } from '../../api/private-store.ts';
import { startServer } from '../../api/server.ts';
import { tempDir } from '../helpers/temp.ts';

const temp = tempDir('styringsdata-users-cli-');
afterAll(() => temp.remove());
const dbPath = join(temp.path, 'data', 'styringsdata.duckdb');

function users(args: string[], password?: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'api/users-cli.ts', ...args, '--db', dbPath], {
    encoding: 'utf8',
    env: { ...process.env, STYRINGSDATA_PASSWORD: password ?? '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run users', () => {
  it('adds, lists, disables and resets users in the private store, with private files', async () => {
    expect(users(['add', 'chief', '--role', 'admin'], 'chief-password')).toMatchObject({ code: 0, stdout: 'Added chief (admin).\n' });
    const refused = users(['add', 'lead', '--role', 'leader', '--municipality', '9999'], 'lead-password');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Unknown municipality code(s): 9999');
    expect(users(['add', 'lead', '--role', 'leader', '--municipality', '4204'], 'lead-password').code).toBe(0);
    expect(users(['disable', 'lead']).code).toBe(0);
    const list = users(['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^chief\s+admin\s+active/m);
    expect(list.stdout).toMatch(/^lead\s+leader\s+disabled.*4204$/m);
    expect(users(['reset', 'lead'], 'new-lead-password').code).toBe(0);

    for (const file of [dbPath, privateStorePathFor(dbPath)]) expect(statSync(file).mode & 0o777, file).toBe(0o600);
    expect(statSync(join(temp.path, 'data')).mode & 0o777).toBe(0o700);
    const store = await openPrivateStore(privateStorePathFor(dbPath));
    try {
      expect(await findUser(store, 'lead')).toMatchObject({ role: 'leader', disabled: false, municipalities: ['4204'] });
    } finally {
      store.close();
    }
  });

  it('while the server holds the files, says to stop it first', async () => {
    const server = await startServer({ dbPath, port: 0, handOff: false, webDir: temp.path, logger: pino({ level: 'silent' }) });
    try {
      const busy = users(['list']);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain('Stop the server (Ctrl+C), run this command, then start the server again.');
    } finally {
      await server.close();
    }
  });
});
