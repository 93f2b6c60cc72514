// npm run bench (protection): the cost of disclosure control on the dashboard's own requests, side by
// side in one run: the same request as an analyst (exact figures) and as a viewer (figures summed from
// perturbed base cells, docs/disclosure-control.md), cold (caches cleared) and cached.
//   npx tsx bench/protection.ts [--repeat 7]
// On the demo database (tests/helpers/demo.ts builds it once). Target: protected cold ≤ 1.5 × exact
// cold; cached answers equally fast (the finished body is cached per visibility class).
import '../api/threadpool.ts';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startServer } from '../api/server.ts';
import { benchUserToken } from './lib/bench-user.ts';
import type { Role } from '../contract/types.ts';
import { demoDatabaseCopy } from '../tests/helpers/demo.ts';

const { values } = parseArgs({ args: process.argv.slice(2).filter((a) => a !== '--'), options: { repeat: { type: 'string', default: '7' } } });
const repeat = Number(values.repeat);

const server = await startServer({
  dbPath: await demoDatabaseCopy(),
  port: 0,
  handOff: false,
  webDir: join(resolve('.tmp/bench'), 'no-web'),
  logger: pino({ level: 'silent' }),
  app: { auditBatchDelayMs: 1000 },
});
const tokenFor = (username: string, role: Role) => benchUserToken(server, username, role);
const exact = await tokenFor('bench-analyst', 'analyst');
const protectedToken = await tokenFor('bench-viewer', 'viewer');

// What the pages ask (the web's own requests): overview cards (36 months, then two 12-month totals),
// a metric page (a collaboration and its members by month), the comparison (every municipality).
const place = 'municipality=knutepunkt-sorlandet,4204,4223,4218,4216,4215';
const requests: Record<string, string> = {
  'card: readmissions by month': `/api/metrics/readmissions?${place}&by=month&from=2023-01&to=2025-11`,
  'card: discharge-ready days, 12-month total': `/api/metrics/discharge-ready-days?municipality=4223,knutepunkt-sorlandet&by=total&from=2025-01&to=2025-12`,
  'card: KAD bed-days by month': `/api/metrics/kad-bed-days?municipality=4223,knutepunkt-sorlandet&by=month&from=2023-01&to=2025-12`,
  'metric page: acute admissions by month': `/api/metrics/acute-admissions?${place}&by=month&from=2023-01&to=2025-12`,
  'KAD page: length of stay by month': `/api/metrics/kad-length-of-stay?${place}&by=month&from=2023-01&to=2025-12`,
  'compare: KAD stays, standardised, all municipalities': `/api/compare/kad-stays?from=2023-01&to=2025-12&standardise=age-sex`,
  'compare: readmissions, all municipalities': `/api/compare/readmissions?from=2023-01&to=2025-11`,
};

async function timed(path: string, token: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${Buffer.from(body).toString()}`);
  return performance.now() - started;
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

console.log(`\nStyringsdata protection bench — demo database, ${repeat} interleaved rounds per request\n`);
const table: Record<string, unknown>[] = [];
for (const [name, path] of Object.entries(requests)) {
  // Interleaved: exact cold then cached, protected cold then cached, one of each per round.
  const times = { exactCold: [] as number[], protectedCold: [] as number[], exactCached: [] as number[], protectedCached: [] as number[] };
  for (let round = 0; round <= repeat; round++) {
    server.runtime.cache.clear();
    const exactCold = await timed(path, exact);
    const exactCached = await timed(path, exact);
    server.runtime.cache.clear();
    const protectedCold = await timed(path, protectedToken);
    const protectedCached = await timed(path, protectedToken);
    if (round === 0) continue; // warm-up
    times.exactCold.push(exactCold);
    times.protectedCold.push(protectedCold);
    times.exactCached.push(exactCached);
    times.protectedCached.push(protectedCached);
  }
  const [ec, pc, eh, ph] = [median(times.exactCold), median(times.protectedCold), median(times.exactCached), median(times.protectedCached)];
  table.push({
    request: name,
    'exact cold ms': round(ec),
    'protected cold ms': round(pc),
    'protected/exact cold': round(pc / ec, 2),
    'exact cached ms': round(eh, 2),
    'protected cached ms': round(ph, 2),
    'protected/exact cached': round(ph / eh, 2),
  });
}
console.table(table);
const ratios = table.map((line) => Number(line['protected/exact cold']));
console.log(`protected/exact cold: median ${round(median(ratios), 2)}, worst ${round(Math.max(...ratios), 2)}`);
await server.close();
