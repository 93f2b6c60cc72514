// The real server on port 0: listens, serves the dashboard with a single-page fallback beside the
// API, advertises the import hand-off in server.json (0600) and removes it on close.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { handOffPath, importThroughServer, readHandOff } from '../../pipeline/handoff-client.ts';
import { startServer, type RunningServer } from '../../api/server.ts';
import { tempDir } from '../helpers/temp.ts';

const temp = tempDir('styringsdata-server-');
const dbPath = join(temp.path, 'db', 'styringsdata.duckdb');
const webDir = join(temp.path, 'web');
let server: RunningServer;

beforeAll(async () => {
  mkdirSync(webDir, { recursive: true });
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Styringsdata</title>');
  writeFileSync(join(webDir, 'app.js'), 'console.log(1)');
  server = await startServer({ dbPath, host: '127.0.0.1', port: 0, webDir, logger: pino({ level: 'silent' }) });
});
afterAll(async () => {
  await server?.close();
  temp.remove();
});

it('listens on the given host and a free port', () => {
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

it('serves the API and the dashboard from the same port, with index.html for client-side routes', async () => {
  expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  expect(await (await fetch(`${server.url}/app.js`)).text()).toBe('console.log(1)');
  const page = await fetch(`${server.url}/kommune/4204`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<title>Styringsdata</title>');
  const api404 = await fetch(`${server.url}/api/nothing`);
  expect(api404.status).toBe(404);
  expect(await api404.json()).toMatchObject({ error: { code: 'not_found' } });
});

it('writes server.json (mode 0600) whose token is an admin for /api/imports only', async () => {
  const file = handOffPath(dbPath);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const handOff = JSON.parse(readFileSync(file, 'utf8')) as { url: string; token: string; pid: number };
  expect(handOff).toMatchObject({ url: server.url, pid: process.pid });
  const headers = { authorization: `Bearer ${handOff.token}` };
  expect((await fetch(`${server.url}/api/imports`, { headers })).status).toBe(200);
  expect((await fetch(`${server.url}/api/metrics`, { headers })).status).toBe(403);
});

it('takes files from the import command line through the hand-off (JSON with absolute paths)', async () => {
  const handOff = readHandOff(dbPath)!;
  const file = join(temp.path, 'kad.csv');
  writeFileSync(
    file,
    'opphold_id;pasient_id;enhet;kommunenr;alder;kjonn;innskrevet;utskrevet;hovedtilstand;utskrevet_til\n' +
      'h-1;p-1;KAD-KRS;4204;81;K;2024-05-01 10:00;2024-05-03 10:00;R69;hjem\n',
  );
  const summary = await importThroughServer(handOff, [file], { importedBy: 'cli:tester' });
  expect(summary.files[0]).toMatchObject({ file: 'kad.csv', status: 'imported', rowsImported: 1 });
  const relative = await fetch(`${server.url}/api/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${handOff.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ paths: ['kad.csv'] }),
  });
  expect(relative.status).toBe(400);
});

it('removes server.json and closes the database on close', async () => {
  await server.close();
  expect(existsSync(handOffPath(dbPath))).toBe(false);
  await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();
});

it('close() lets a running import finish before the database is closed', async () => {
  const other = tempDir('styringsdata-shutdown-');
  try {
    const running = await startServer({ dbPath: join(other.path, 'db.duckdb'), port: 0, logger: pino({ level: 'silent' }), webDir: other.path });
    let finished = false;
    const importing = running.runtime.imports.run(async () => {
      await new Promise((done) => setTimeout(done, 300));
      // Still able to write: the database is not closed under the import.
      await running.runtime.services.warehouse.withConnection((c) => c.run(`INSERT INTO import_rejected_row (import_id, message) VALUES (0, 'still open')`));
      finished = true;
    });
    await running.close();
    expect(finished).toBe(true);
    await importing;
  } finally {
    other.remove();
  }
});
