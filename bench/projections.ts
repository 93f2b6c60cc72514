// npm run bench (projections), issue 13's bench line: projecting every projected metric for all 357
// municipalities × 2025–2050 × 3 alternatives, through the API (as an analyst: exact; as a viewer:
// protected base cells; cold and cached) against the bare DuckDB query doing the same arithmetic
// (exact stratum counts ÷ person-years × projected population, summed per municipality, alternative and
// year; no fallback, no protection, no JSON).
//   npx tsx bench/projections.ts [--repeat 5]
// Columns: bare = the bare statement; engine = projectMetric alone (exact); exact/protected cold = the
// HTTP request as analyst/viewer with the caches cleared (includes ~3.4 MB of JSON each way); cached.
// On a copy of the national bench database (.tmp/bench/api-national/bench.duckdb, made by bench/api.ts)
// when it exists, else on a copy of the demo database. The projected population is SYNTHETIC, generated
// in SQL for the bench from the latest registered population (every municipality, sex and single age,
// growing 0.3 %/year under 67 and 2 %/year from 67, low ×0.97, high ×1.03): the real SSB files are
// imported by the SSB importers, which this bench does not measure.
import '../api/threadpool.ts';
import { copyFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { projectableMetrics, projectMetric } from '../api/projections/engine.ts';
import { startServer } from '../api/server.ts';
import { benchUserToken } from './lib/bench-user.ts';
import { declarationOf, type MetricId, type Role } from '../contract/types.ts';
import { openWarehouse } from '../pipeline/db.ts';
import { demoDatabaseCopy } from '../tests/helpers/demo.ts';
import { tempDir } from '../tests/helpers/temp.ts';

const { values } = parseArgs({ args: process.argv.slice(2).filter((a) => a !== '--'), options: { repeat: { type: 'string', default: '5' } } });
const repeat = Number(values.repeat);
const national = resolve('.tmp/bench/api-national/bench.duckdb');
const scale = existsSync(national) ? 'national' : 'demo';
const dbPath = scale === 'national' ? copyOf(national) : await demoDatabaseCopy();

// The synthetic projection (see the header), replacing whatever the copy holds.
const setup = await openWarehouse(dbPath);
await setup.withConnection(async (connection) => {
  await connection.run('DELETE FROM population_projection');
  await connection.run(`INSERT INTO population_projection (vintage, alternative, municipality_code, municipality_code_raw, year, sex, age_from, age_to, count, import_id, source_line)
    WITH latest AS (SELECT max(year) AS year FROM population),
    today AS (SELECT municipality_code, sex, age, fsum(persons) AS persons FROM population_single_age WHERE year = (SELECT year FROM latest) GROUP BY ALL)
    SELECT 'bench', a.alternative, p.municipality_code, 'K-' || p.municipality_code, y.year, p.sex, p.age, p.age,
           round(p.persons * (1 + (y.year - latest.year) * CASE WHEN p.age >= 67 THEN 0.02 ELSE 0.003 END) * a.factor), 0, 0
    FROM today p, latest, range(2025, 2051) y(year), (VALUES ('MMMM', 1.0), ('LLML', 0.97), ('HHMH', 1.03)) a(alternative, factor)`);
});
setup.close();

const server = await startServer({
  dbPath,
  port: 0,
  handOff: false,
  webDir: join(resolve('.tmp/bench'), 'no-web'),
  logger: pino({ level: 'silent' }),
  app: { auditBatchDelayMs: 1000, metricLimits: { timeoutMs: 120_000 } },
});
const tokenFor = (username: string, role: Role) => benchUserToken(server, username, role);
const tokens = { analyst: await tokenFor('bench-analyst', 'analyst'), viewer: await tokenFor('bench-viewer', 'viewer') };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timed(work: () => Promise<void>, cold: boolean): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    if (cold) server.runtime.cache.clear();
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return median(times);
}

console.log(`\nProjections bench — ${scale} fixture, synthetic projection 2025–2050 × MMMM, LLML, HHMH, every municipality; median of ${repeat}\n`);
const table: Record<string, unknown>[] = [];
for (const metric of projectableMetrics) {
  const path = `/api/projections/${metric}?alternative=MMMM,LLML,HHMH`;
  let rows = 0;
  let base = { from: 0, to: 0 };
  const ask = (token: string) => async () => {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { rows: unknown[]; base: { from: number; to: number } };
    rows = body.rows.length;
    base = body.base;
  };
  const exactCold = await timed(ask(tokens.analyst), true);
  const protectedCold = await timed(ask(tokens.viewer), true);
  const cached = await timed(ask(tokens.viewer), false);
  // The engine alone (no HTTP, no JSON), exact: what the statement and the row arithmetic cost.
  const engineOnly = await timed(async () => {
    const query = { metric: metric as MetricId, municipalities: [], base, alternatives: ['MMMM', 'LLML', 'HHMH'], changePercentPerYear: 0, occupancyPercent: 85 };
    await projectMetric(server.runtime.services.warehouse, query, server.runtime.metricGate);
  }, true);
  const bareSql = bareProjection(metric, base);
  let bareRows = 0;
  const bare = await timed(
    () => server.runtime.services.warehouse.withConnection(async (c) => void (bareRows = (await c.runAndReadAll(bareSql)).currentRowCount)),
    false,
  );
  table.push({
    metric,
    base: `${base.from}–${base.to}`,
    rows,
    'bare rows': bareRows,
    'bare ms': Math.round(bare),
    'engine ms': Math.round(engineOnly),
    'exact cold ms': Math.round(exactCold),
    'protected cold ms': Math.round(protectedCold),
    'cached ms': Number(cached.toFixed(1)),
    'engine ÷ bare': Number((engineOnly / bare).toFixed(2)),
  });
}
console.table(table);
await server.close();

/** The same arithmetic as one bare statement on the exact facts: per municipality × sex × broad band,
 *  events ÷ person-years × projected persons, summed per municipality, alternative and year. */
function bareProjection(metric: string, base: { from: number; to: number }): string {
  const spec = declarationOf(metric)!;
  const args = spec.sql.arguments.map((name) => (name === 'area' ? `'${spec.defaults.area}'` : `'all'`)).join(', ');
  const [low, high] = spec.defaults.age === '67+' ? [67, 200] : [0, 200];
  return `WITH counted AS (SELECT municipality_code, sex, standard_stratum('broad', age) AS band, sum(numerator) AS events
      FROM ${spec.sql.factsMacro}(${args}) WHERE month BETWEEN DATE '${base.from}-01-01' AND DATE '${base.to}-12-01' AND age BETWEEN ${low} AND ${high} GROUP BY ALL),
    exposure AS (SELECT municipality_code, sex, standard_stratum('broad', age) AS band, fsum(person_years) AS person_years
      FROM person_years(DATE '${base.from}-01-01', DATE '${base.to}-12-01') WHERE age BETWEEN ${low} AND ${high} GROUP BY ALL),
    rate AS (SELECT e.municipality_code, e.sex, e.band, coalesce(c.events, 0) / nullif(e.person_years, 0) AS rate
      FROM exposure e LEFT JOIN counted c USING (municipality_code, sex, band))
    SELECT p.municipality_code, p.alternative, p.year, fsum(p.count) AS population, fsum(p.count * coalesce(r.rate, 0)) AS demography
    FROM population_projection p JOIN rate r ON r.municipality_code = p.municipality_code AND r.sex = p.sex AND r.band = standard_stratum('broad', p.age_from)
    WHERE p.age_from BETWEEN ${low} AND ${high}
    GROUP BY ALL`;
}

function copyOf(file: string): string {
  const folder = tempDir('styringsdata-bench-projections-');
  process.once('exit', () => folder.remove());
  const target = join(folder.path, 'bench.duckdb');
  copyFileSync(file, target);
  return target;
}
