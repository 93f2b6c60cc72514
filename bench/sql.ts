// bench/sql: 1 million rows × 5 columns through the real POST /api/sql over HTTP, as JSON and as Arrow:
// time to the last byte, payload size and the client's decode time, printed as ratios. Then how a
// dashboard-sized query fares while heavy analyst queries run (the semaphore and the thread pool).
// Run: npx tsx bench/sql.ts   (UV_THREADPOOL_SIZE is set by api/threadpool.ts in the server; here too.)
process.env.UV_THREADPOOL_SIZE ??= '16';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { tableFromIPC } from 'apache-arrow';
import pino from 'pino';
import { buildApp } from '../api/app.ts';
import { createUser } from '../api/auth/users.ts';
import { openPrivateStore, privateStorePathFor } from '../api/private-store.ts';
import { lockDown, openWarehouse } from '../pipeline/db.ts';
import { tempDir } from '../tests/helpers/temp.ts';

const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const temp = tempDir('styringsdata-bench-sql-');
const warehouse = await openWarehouse(join(temp.path, 'bench.duckdb'));
await warehouse.withConnection((c) =>
  c.run(`CREATE TABLE bench_rows AS
    SELECT i AS id,
           (SELECT list(code ORDER BY code) FROM municipality)[1 + i % 50] AS municipality_code,
           DATE '2019-01-01' + (i % 2500)::INTEGER AS day,
           (i % 97) * 1.25::DOUBLE AS value,
           (i % 100)::SMALLINT AS age
    FROM range(${rows}) r(i)`),
);
const importDirectory = join(temp.path, 'imports');
mkdirSync(importDirectory, { recursive: true });
await lockDown(warehouse, importDirectory, '2GB');
const privateStore = await openPrivateStore(privateStorePathFor(warehouse.path));
const { app, auditLog, runtime } = buildApp({ warehouse, privateStore, importDirectory, logger: pino({ level: 'silent' }) });
await createUser(privateStore, { username: 'bench', password: 'bench-password-1', role: 'analyst', municipalities: [] });
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((resolve) => server.once('listening', resolve));
// Longer than any pause between requests here (client-side decoding of 1 M JSON rows takes seconds):
// with Node's default 5 s, undici may reuse a socket the server is just closing (ECONNRESET).
(server as unknown as { keepAliveTimeout: number }).keepAliveTimeout = 120_000;
const address = server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const login = await fetch(`${base}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'bench', password: 'bench-password-1' }),
});
const { token } = (await login.json()) as { token: string };

async function run(format: 'json' | 'arrow', sql = 'SELECT * FROM bench_rows', limit = rows, expectRows: number | null = Math.min(rows, limit)) {
  const started = performance.now();
  const response = await fetch(`${base}/api/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ sql, format, limit }),
  });
  if (response.status !== 200) throw new Error(`${format}: ${response.status} ${await response.text()}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const transferMs = performance.now() - started;
  const decodeStarted = performance.now();
  const decodedRows = format === 'json' ? (JSON.parse(new TextDecoder().decode(bytes)) as { rows: unknown[] }).rows.length : tableFromIPC(bytes).numRows;
  const decodeMs = performance.now() - decodeStarted;
  if (expectRows !== null && decodedRows !== expectRows) throw new Error(`${format}: ${decodedRows} rows`);
  return { transferMs, decodeMs, bytes: bytes.length };
}

const best = async (format: 'json' | 'arrow') => {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await run(format));
  return runs.sort((a, b) => a.transferMs - b.transferMs)[0]!;
};

await run('arrow', 'SELECT * FROM bench_rows', 10_000); // warm-up

// The price of the sandbox: a trivial statement end to end (login check, catalogue, parse-tree walk,
// prepare, stream, audit) over HTTP.
const trivial: number[] = [];
for (let i = 0; i < 50; i++) trivial.push((await run('json', 'SELECT 42 AS answer', 10, 1)).transferMs);
trivial.sort((a, b) => a - b);
console.log(`\nSELECT 42 through POST /api/sql (check included): p50 ${trivial[25]!.toFixed(1)} ms, p90 ${trivial[45]!.toFixed(1)} ms`);
const json = await best('json');
const arrow = await best('arrow');
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const ms = (value: number) => value.toFixed(0);
console.log(`\n${rows.toLocaleString('en')} rows × 5 columns (BIGINT, VARCHAR, DATE, DOUBLE, SMALLINT) via POST /api/sql over HTTP (best of 3)`);
console.log(`format   payload      server+transfer   client decode`);
console.log(`JSON     ${mb(json.bytes).padStart(7)} MB   ${ms(json.transferMs).padStart(8)} ms      ${ms(json.decodeMs).padStart(6)} ms`);
console.log(`Arrow    ${mb(arrow.bytes).padStart(7)} MB   ${ms(arrow.transferMs).padStart(8)} ms      ${ms(arrow.decodeMs).padStart(6)} ms`);
console.log(`ratio JSON/Arrow: payload ${(json.bytes / arrow.bytes).toFixed(1)}×, time ${(json.transferMs / arrow.transferMs).toFixed(1)}×, total incl. decode ${((json.transferMs + json.decodeMs) / (arrow.transferMs + arrow.decodeMs)).toFixed(1)}×`);

// Responsiveness: dashboard-sized queries on their own connections while four heavy analyst
// queries are sent at once (two run, two wait for a slot).
const heavy = `SELECT a.municipality_code, a.age, count(*) AS n, avg(b.value) AS mean, quantile_cont(b.value, 0.9) AS p90
               FROM bench_rows a JOIN bench_rows b ON a.id % 20000 = b.id % 20000 GROUP BY ALL ORDER BY 1, 2`;
const quiet: number[] = [];
for (let i = 0; i < 20; i++) {
  const t = performance.now();
  await warehouse.withConnection((c) => c.runAndReadAll(`SELECT count(*) FROM municipality WHERE code LIKE '42%'`));
  quiet.push(performance.now() - t);
}
const heavyStarted = performance.now();
const heavyRuns = Promise.all([1, 2, 3, 4].map(() => run('arrow', heavy, 100_000, null).catch((error: Error) => error.message)));
const busy: number[] = [];
let done = false;
void heavyRuns.then(() => (done = true));
while (!done) {
  const t = performance.now();
  await warehouse.withConnection((c) => c.runAndReadAll(`SELECT count(*) FROM municipality WHERE code LIKE '42%'`));
  busy.push(performance.now() - t);
  await new Promise((resolve) => setTimeout(resolve, 25));
}
const heavyMs = performance.now() - heavyStarted;
const pct = (list: number[], p: number) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(list.length * p))]!;
console.log(`\nDashboard-sized query alone: p50 ${pct(quiet, 0.5).toFixed(1)} ms, max ${Math.max(...quiet).toFixed(1)} ms`);
console.log(`… while 4 heavy analyst queries ran (${(heavyMs / 1000).toFixed(1)} s, at most 2 at once): p50 ${pct(busy, 0.5).toFixed(1)} ms, p95 ${pct(busy, 0.95).toFixed(1)} ms, max ${Math.max(...busy).toFixed(1)} ms over ${busy.length} queries`);
console.log(`heavy results: ${(await heavyRuns).map((r) => (typeof r === 'string' ? r.slice(0, 200) : `${ms(r.transferMs)} ms`)).join(', ')}`);

server.close();
await auditLog.flush();
runtime.cache.dispose();
warehouse.close();
privateStore.close();
temp.remove();
