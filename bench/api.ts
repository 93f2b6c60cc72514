// npm run bench (api): the metric endpoints on the national fixture, side by side with the bare DuckDB
// query underneath each, cold and cached, in one run; then 50 concurrent clients for 30 s on loopback;
// then dashboard latency while heavy analyst queries and an import run.
//   npx tsx bench/api.ts [--scale national|demo] [--duration 30] [--clients 50]
// Targets: cold ≤ 1.5 × bare; cached p50 ≤ 5 ms; load without errors (req/s and p99 reported).
import '../api/threadpool.ts';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import pino from 'pino';
import { benchUserToken } from './lib/bench-user.ts';
import { declarationOf } from '../contract/types.ts';
import * as engine from '../api/metrics/engine.ts';
import { buildMetricQuery } from '../api/metrics/query-sql.ts';
import { monthStart, municipalityTargets, parseAge, readTargetDirectory, unitTargets } from '../api/metrics/targets.ts';
import { startServer } from '../api/server.ts';
import { metricIds, type MetricId, type MetricQuery } from '../contract/types.ts';
import { generateFixtures } from '../fixtures/generate.ts';
import { openWarehouse } from '../pipeline/db.ts';
import { importFiles } from '../pipeline/import.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    scale: { type: 'string', default: 'national' },
    duration: { type: 'string', default: '30' },
    clients: { type: 'string', default: '50' },
    repeat: { type: 'string', default: '7' },
    /** Comma-separated parts to run: endpoints, load, contention. */
    parts: { type: 'string', default: 'endpoints,load,contention' },
  },
});
const scale = values.scale as 'national' | 'demo';
const repeat = Number(values.repeat);
const benchDir = resolve('.tmp/bench', `api-${scale}`);

const dbPath = await benchDatabase();
const server = await startServer({
  dbPath,
  port: 0,
  handOff: false,
  webDir: join(benchDir, 'no-web'),
  logger: pino({ level: 'silent' }),
  app: { auditBatchDelayMs: 1000 },
});
const token = await benchUserToken(server, 'bench', 'analyst');
const through = (await engine.dataThrough(server.runtime.services.warehouse))?.slice(0, 7) ?? '2024-12';
const from = `${Number(through.slice(0, 4)) - 2}-01`;

console.log(`\nStyringsdata API bench — ${scale} fixture, data through ${through}, ${from}..${through}\n`);
const endpoints: { metric: MetricId; route: 'metrics' | 'compare' }[] = metricIds.map((metric) => ({ metric, route: 'metrics' }));
endpoints.push({ metric: 'readmissions', route: 'compare' });
// Two shapes per endpoint: what a dashboard page asks (a collaboration with its members, by month),
// and the largest answer (every municipality by month; ~12 800 rows, ~1.7 MB of JSON).
const members = ['knutepunkt-sorlandet', '4204', '4223', '4218', '4216', '4215'];
const shapes = [
  { name: 'collaboration', municipalities: members },
  { name: 'all', municipalities: [] as string[] },
];
const pathOf = (metric: MetricId, route: string, municipalities: string[]) =>
  `/api/${route}/${metric}?${municipalities.length && metric !== 'kad-occupancy' ? `municipality=${municipalities.join(',')}&` : ''}from=${from}&to=${through}&by=${route === 'compare' ? 'total' : 'month'}`;
const parts = new Set(values.parts.split(','));
const table: Record<string, unknown>[] = [];
if (parts.has('endpoints'))
for (const shape of shapes)
  for (const { metric, route } of endpoints) {
    const path = pathOf(metric, route, shape.municipalities);
    const query: MetricQuery = {
      metric,
      municipalities: metric === 'kad-occupancy' ? [] : shape.municipalities,
      from,
      to: through,
      by: route === 'compare' ? 'total' : 'month',
      sex: 'all',
      standardise: 'none',
    };
    if (metric === 'kad-occupancy') query.units = [];
    // Interleaved rounds (bare, engine, cold, bare, …): on a shared 2-core machine the noise of a
    // moment then falls on all three alike instead of on whichever ran during it.
    const [bare = 0, engineOnly = 0, cold = 0] = await interleavedMedians([
      () => bareQuery(query, route),
      () => timed(() => (route === 'compare' ? engine.compareMetric : engine.queryMetric)(server.runtime.services.warehouse, query)),
      async () => {
        server.runtime.cache.clear();
        return timed(() => request(path));
      },
    ]);
    const floor = await transportFloor(path);
    // Cached answer and the same bytes from a bare app, alternating, 200 each.
    const cachedTimes: number[] = [];
    const floorTimes: number[] = [];
    for (let i = 0; i < 200; i++) {
      cachedTimes.push(await timed(() => request(path)));
      floorTimes.push(await timed(floor.fetch));
    }
    floor.close();
    const cachedP50 = percentile(cachedTimes, 0.5);
    const floorP50 = percentile(floorTimes, 0.5);
    const line = {
      endpoint: `${route}/${metric}`,
      shape: shape.name,
      'bare ms': round(bare),
      'engine ms': round(engineOnly),
      'cold ms': round(cold),
      'cold/bare': round(cold / bare, 2),
      'cached p50 ms': round(cachedP50, 2),
      'same bytes, bare Hono p50 ms': round(floorP50, 2),
      'body KB': round(floor.bytes / 1024),
      ok: cold <= 1.5 * bare && cachedP50 <= 5 ? 'yes' : cold <= 1.5 * bare && cachedP50 <= 1.25 * floorP50 ? 'at floor' : 'NO',
    };
    table.push(line);
    console.log(`  ${Object.values(line).join('  ')}`); // progress; the table follows at the end
  }
if (table.length) console.table(table);

const paths = endpoints.map(({ metric, route }) => pathOf(metric, route, members));
let load: Awaited<ReturnType<typeof runLoad>> | null = null;
if (parts.has('load')) {
  for (const path of paths) await request(path); // the load test measures cached answers
console.log(`\nLoad: ${values.clients} concurrent clients for ${values.duration} s on loopback (the dashboard-shaped requests above, cached)…`);
load = await runLoad(paths, Number(values.clients), Number(values.duration) * 1000);
console.log(
  `  ${load.requests} requests, ${load.errors} errors, ${round(load.requestsPerSecond)} req/s, p50 ${round(load.p50, 1)} ms, p99 ${round(load.p99, 1)} ms, max ${round(load.max)} ms`,
);
if (load.firstErrors.length) console.log('  first errors:', load.firstErrors);
console.log('  X-Cache:', load.cache);
  const ceiling = await loopbackCeiling(Number(values.clients), Math.min(10_000, Number(values.duration) * 1000));
  console.log(
    `  for scale: a bare Hono server answering {"status":"ok"} with the same clients: ${round(ceiling.requestsPerSecond)} req/s, p99 ${round(ceiling.p99, 1)} ms`,
  );
}

let contention: Record<string, unknown>[] = [];
if (parts.has('contention')) {
  console.log('\nContention: uncached dashboard queries alone, then while 4 heavy analyst queries and an import run…');
  contention = await measureContention(paths);
  console.table(contention);
}

mkdirSync('bench/out', { recursive: true });
writeFileSync(`bench/out/api-${scale}.json`, JSON.stringify({ scale, through, endpoints: table, load, contention }, null, 2));
await server.close();
process.exit(0);

// ───────────── helpers ─────────────

async function benchDatabase(): Promise<string> {
  const file = join(benchDir, 'bench.duckdb');
  if (existsSync(file)) return file;
  mkdirSync(benchDir, { recursive: true });
  const extracts = join(benchDir, 'extracts');
  let files = existsSync(extracts) ? readdirSync(extracts).filter((f) => f.endsWith('.csv')).map((f) => join(extracts, f)) : [];
  if (files.length === 0) {
    console.log(`Generating the ${scale} fixture into ${extracts} …`);
    files = (await generateFixtures({ scale, outDir: extracts })).files.map((f) => f.path);
  }
  console.log(`Importing ${files.length} extracts …`);
  const building = join(benchDir, 'building.duckdb');
  rmSync(building, { force: true });
  const warehouse = await openWarehouse(building);
  const started = performance.now();
  const summary = await importFiles(warehouse, files, { importedBy: 'bench' });
  console.log(`  imported in ${round((performance.now() - started) / 1000, 1)} s: ${summary.files.map((f) => `${f.file} ${f.status} ${f.rowsImported}`).join(', ')}`);
  await engine.installMetricViews(warehouse);
  warehouse.close();
  renameSync(building, file);
  return file;
}

/** The bare DuckDB query underneath an endpoint: the very statement the engine builds, run directly. */
async function bareQuery(query: MetricQuery, route: 'metrics' | 'compare'): Promise<number> {
  const spec = declarationOf(query.metric)!;
  return server.runtime.services.warehouse.withConnection(async (connection) => {
    const directory = await readTargetDirectory(connection);
    const targets = spec.perUnit
      ? unitTargets(directory, query.units ?? [])
      : municipalityTargets(directory, query.municipalities, route === 'compare');
    const [ageLow, ageHigh] = parseAge(query.age ?? spec.defaults.age);
    const built = buildMetricQuery({
      spec,
      targets,
      firstMonth: monthStart(query.from, 'from'),
      lastMonth: monthStart(query.to, 'to'),
      by: route === 'compare' ? 'total' : query.by,
      ageLow,
      ageHigh,
      sex: query.sex,
      area: query.area ?? spec.defaults.area,
      group: query.group ?? 'all',
      standard: null,
    });
    return timed(() => connection.runAndReadAll(built.sql, built.parameters));
  });
}

async function request(path: string): Promise<void> {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${Buffer.from(body).toString()}`);
}

function runLoad(loadPaths: string[], clients: number, durationMs: number, url = server.url) {
  return new Promise<{ requests: number; errors: number; firstErrors: string[]; cache: Record<string, number>; requestsPerSecond: number; p50: number; p99: number; max: number }>(
    (done, fail) => {
      const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), {
        workerData: { url, token, paths: loadPaths, clients, durationMs },
      });
      worker.once('message', done);
      worker.once('error', fail);
    },
  );
}

/** The transport floor for a cached answer: the very bytes of `path`'s answer served by a bare Hono
 *  app (no auth, cache or audit), fetched the same way. A 1.7 MB body cannot arrive faster than this. */
async function transportFloor(path: string): Promise<{ fetch: () => Promise<void>; close: () => void; bytes: number }> {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = new Uint8Array(await response.arrayBuffer());
  const type = response.headers.get('content-type') ?? 'application/json';
  const bare = new Hono().get('/body', (c) => c.body(body, 200, { 'content-type': type }));
  const listener = serve({ fetch: bare.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((done) => listener.once('listening', done));
  const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/body`;
  return { fetch: async () => void (await (await fetch(url)).arrayBuffer()), close: () => listener.close(), bytes: body.length };
}

/** What this machine's loopback and load generator manage at all: a bare Hono app, no database. */
async function loopbackCeiling(clients: number, durationMs: number) {
  const bare = new Hono().get('/ok', (c) => c.json({ status: 'ok' }));
  const listener = serve({ fetch: bare.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((done) => listener.once('listening', done));
  const port = (listener.address() as AddressInfo).port;
  const result = await runLoad(['/ok'], clients, durationMs, `http://127.0.0.1:${port}`);
  listener.close();
  return result;
}

async function measureContention(loadPaths: string[]): Promise<Record<string, unknown>[]> {
  const sample = async () => {
    const cold: number[] = [];
    const cached: number[] = [];
    for (const path of loadPaths) {
      server.runtime.cache.clear();
      cold.push(await timed(() => request(path)));
      for (let i = 0; i < 5; i++) cached.push(await timed(() => request(path)));
    }
    return { cold, cached };
  };
  const row = (situation: string, s: { cold: number[]; cached: number[] }) => ({
    situation,
    'uncached p50 ms': round(percentile(s.cold, 0.5)),
    'uncached max ms': round(Math.max(...s.cold)),
    'cached p50 ms': round(percentile(s.cached, 0.5), 1),
    'cached max ms': round(Math.max(...s.cached), 1),
  });
  const alone = await sample();
  // Heavy: a self-join over every stay of each patient (seconds of work each).
  const heavySql = `SELECT count(*) AS pairs, sum(a.age + b.age) AS s FROM hospital_stay a JOIN hospital_stay b ON a.patient_id = b.patient_id`;
  const heavyOutcomes: string[] = [];
  const heavy = Array.from({ length: 4 }, async () => {
    const started = performance.now();
    const response = await fetch(`${server.url}/api/sql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sql: heavySql }),
    });
    await response.arrayBuffer();
    heavyOutcomes.push(`${response.status} in ${round((performance.now() - started) / 1000, 1)} s`);
  });
  const importRun = server.runtime.imports.run(async () => {
    // A stand-in write of import size: copy every stay inside one transaction, then roll back.
    await server.runtime.services.warehouse.withConnection(async (c) => {
      await c.run('BEGIN');
      await c.run('CREATE TABLE bench_copy AS SELECT * FROM hospital_stay');
      await c.run('ROLLBACK');
    });
  });
  await new Promise((r) => setTimeout(r, 200));
  const during = await sample();
  const stillRunning = heavyOutcomes.length < 4;
  await Promise.all([...heavy, importRun]);
  console.log(`  heavy analyst queries: ${heavyOutcomes.join(', ')}${stillRunning ? '' : ' (finished before the sample did)'}`);
  return [row('alone', alone), row('during 4 heavy SQL + an import', during)];
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** Median of each measurement over `repeat` rounds, one of each per round, after one warm-up round. */
async function interleavedMedians(measures: (() => Promise<number>)[]): Promise<number[]> {
  const times = measures.map(() => [] as number[]);
  for (let round = 0; round <= repeat; round++)
    for (const [index, measure] of measures.entries()) {
      const time = await measure();
      if (round > 0) times[index]!.push(time);
    }
  return times.map((t) => percentile(t, 0.5));
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function round(value: number, digits = 0): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}
