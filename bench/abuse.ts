// npm run bench -- abuse: the server's resident memory and /api/health latency at rest, and again
// while the abusive requests of issue 9 run against it — side by side in one run. The server runs in
// its own process (bench/abuse-server-worker.ts) on a copy of the demo database, so its memory is
// measured alone (VmRSS from /proc) and the attacker's own buffers do not count.
//   npx tsx bench/abuse.ts [--rest 5]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { demoDatabaseCopy } from '../tests/helpers/demo.ts';
import type { AbuseServerInfo } from './abuse-server-worker.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { rest: { type: 'string', default: '5' } },
});
const restSeconds = Number(values.rest);

const dbPath = await demoDatabaseCopy();
const child = spawn(process.execPath, ['--import', 'tsx', new URL('./abuse-server-worker.ts', import.meta.url).pathname, dbPath], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, UV_THREADPOOL_SIZE: '16' },
});
const info = await new Promise<AbuseServerInfo>((resolve, reject) => {
  createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as AbuseServerInfo));
  child.once('exit', (code) => reject(new Error(`the server worker stopped (exit ${code})`)));
});
const { url, pid, viewer, analyst } = info;

function residentMb(): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

interface Sample {
  healthMs: number[];
  failures: number;
  peakMb: number;
}

/** Sequential /api/health requests and a resident-memory sample every 100 ms until `done` settles. */
async function watch(done: Promise<unknown>): Promise<Sample> {
  const sample: Sample = { healthMs: [], failures: 0, peakMb: residentMb() };
  let finished = false;
  void done.finally(() => (finished = true));
  const memory = setInterval(() => (sample.peakMb = Math.max(sample.peakMb, residentMb())), 100);
  while (!finished) {
    const started = performance.now();
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (!response.ok) sample.failures++;
    } catch {
      sample.failures++;
    }
    sample.healthMs.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 20));
  }
  clearInterval(memory);
  sample.peakMb = Math.max(sample.peakMb, residentMb());
  return sample;
}

const json = (token: string | null, body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
  signal: AbortSignal.timeout(120_000),
});

async function timed(name: string, work: () => Promise<string>): Promise<{ name: string; outcome: string; ms: number }> {
  const started = performance.now();
  let outcome: string;
  try {
    outcome = await work();
  } catch (error) {
    outcome = `error: ${(error as Error).message}`;
  }
  return { name, outcome, ms: Math.round(performance.now() - started) };
}

async function status(path: string, init?: RequestInit): Promise<string> {
  const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(120_000), ...init });
  const body = await response.arrayBuffer();
  return `${response.status} (${(body.byteLength / 1024).toFixed(0)} KB)`;
}

/** A 200 MB login body with Content-Length, written until the server answers or hangs up. */
function hugeLogin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const total = 200 * 1024 * 1024;
    const req = request(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(total) },
    });
    req.on('response', (response) => {
      response.resume();
      resolve(`${response.statusCode}`);
      req.destroy();
    });
    req.on('error', (error) => reject(error));
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    const pump = () => {
      while (sent < total && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
}

const abuse = () => [
  ...[1, 2, 3].map((i) =>
    timed(`viewer acute-admissions 0001-01..9999-12 by month #${i}`, () =>
      status('/api/metrics/acute-admissions?from=0001-01&to=9999-12&by=month', { headers: { authorization: `Bearer ${viewer}` } }),
    ),
  ),
  timed('viewer kad-occupancy 0001-01..9999-12 by day', () =>
    status('/api/metrics/kad-occupancy?from=0001-01&to=9999-12&by=day', { headers: { authorization: `Bearer ${viewer}` } }),
  ),
  timed("analyst SELECT repeat('x', 3000000) FROM range(4096) as CSV", () =>
    status('/api/sql', json(analyst, { sql: "SELECT repeat('x', 3000000) AS s FROM range(4096)", format: 'csv' })),
  ),
  // Heavy but allowed: inside the period window, under the cell cap — bounded by time and concurrency.
  timed('viewer acute-admissions, every municipality by month, 2016..2026', () =>
    status('/api/metrics/acute-admissions?from=2016-01&to=2026-12&by=month', { headers: { authorization: `Bearer ${viewer}` } }),
  ),
  timed('viewer kad-occupancy by day, 2016..2026', () =>
    status('/api/metrics/kad-occupancy?from=2016-01&to=2026-12&by=day', { headers: { authorization: `Bearer ${viewer}` } }),
  ),
  timed('analyst every hospital stay as CSV (allowed, streamed)', () =>
    status('/api/sql', json(analyst, { sql: 'SELECT * FROM hospital_stay', format: 'csv', limit: 5_000_000 })),
  ),
  timed('analyst every hospital stay as JSON (allowed, streamed)', () =>
    status('/api/sql', json(analyst, { sql: 'SELECT * FROM hospital_stay', format: 'json', limit: 5_000_000 })),
  ),
  timed('200 MB body to the login', hugeLogin),
  timed('100 parallel wrong passwords for one account', async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => fetch(`${url}/api/auth/login`, json(null, { username: 'viewer', password: 'wrong' }))),
    );
    const counts = new Map<number, number>();
    for (const answer of answers) counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
    return [...counts].map(([code, n]) => `${n}×${code}`).join(' ');
  }),
];

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const row = (label: string, s: Sample) =>
  `${label.padEnd(8)} resident ${s.peakMb.toFixed(0).padStart(6)} MB   health p50 ${percentile(s.healthMs, 50).toFixed(1).padStart(6)} ms  p99 ${percentile(s.healthMs, 99).toFixed(1).padStart(7)} ms  max ${Math.max(...s.healthMs).toFixed(1).padStart(7)} ms  (${s.healthMs.length} requests, ${s.failures} failed)`;

try {
  console.log(`\nServer pid ${pid} on ${url} (demo data). Resting ${restSeconds} s …`);
  const rest = await watch(new Promise((r) => setTimeout(r, restSeconds * 1000)));
  console.log('Abusive requests running …');
  const attacks = Promise.all(abuse());
  const underAttack = await watch(attacks);
  const results = await attacks;
  console.log('\nAbusive requests (status, time to answer):');
  for (const r of results) console.log(`  ${r.name.padEnd(66)} ${r.outcome.padEnd(24)} ${String(r.ms).padStart(6)} ms`);
  console.log('\nThe server side by side:');
  console.log(`  ${row('at rest', rest)}`);
  console.log(`  ${row('attacked', underAttack)}`);
  console.log(
    `  ratio attacked/rest: resident ${(underAttack.peakMb / rest.peakMb).toFixed(2)} ×, health p50 ${(percentile(underAttack.healthMs, 50) / percentile(rest.healthMs, 50)).toFixed(2)} ×`,
  );
} finally {
  child.kill('SIGTERM');
}
