// The metric engine: installs the metric SQL (api/metrics/*.sql) as the analysts' views and macros,
// and answers metric and comparison queries by composing periods, filters, targets, person-years
// and standardisation around the facts those files define. The definitions themselves live only in
// the SQL files.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../../pipeline/db.ts';
import { baseAgeBands, declarationOf, protectableAges, protectedStandardPopulation, sexes, type CompareResponse, type MetricDeclaration, type MetricQuery, type MetricResponse, type MetricRow } from '../../contract/types.ts';
import { metricCatalogue, metricSql, analystObjects, sqlFiles, sqlOf } from './catalogue.ts';
import { buildMetricQuery } from './query-sql.ts';
import { standardOf, standardPopulationSql } from './standard-population.ts';
import { dropOutdatedDerived, ensureDerived, refreshDerived } from './derived.ts';
import { compareFigures } from './compare.ts';
import { rateInterval, standardisedInterval, wilson } from './statistics.ts';
import { checkCells, dataYearsOn, defaultMetricGate, periodCount, type DataYears, type MetricGate } from './bounds.ts';
import { InvalidQueryError, UnknownIdError, monthStart, municipalityTargets, parseAge, unitTargets } from './targets.ts';
import { oncePerDataVersion } from '../data-version.ts';
import { referenceDataOf } from '../reference.ts';

export { metricCatalogue, metricSql, analystObjects, UnknownIdError, InvalidQueryError, refreshDerived, ensureDerived };

/** CREATE OR REPLACE every view and macro of api/metrics/*.sql (idempotent), then brings the derived
 *  tables up to date (a no-op when nothing changed). */
export async function installMetricViews(warehouse: Warehouse): Promise<void> {
  await warehouse.withConnection(async (connection) => {
    await dropOutdatedDerived(connection);
    // The metric SQL's standard_population macro reads this reference view.
    await connection.run(standardPopulationSql());
    for (const file of sqlFiles) await connection.run(sqlOf(file));
  });
  await ensureDerived(warehouse);
  // After each committed import, rebuild right away so analysts' SQL on episode sees the new data.
  if (!listening.has(warehouse)) {
    listening.add(warehouse);
    warehouse.onDataChange(() => void ensureDerived(warehouse).catch(() => undefined));
  }
}

const listening = new WeakSet<Warehouse>();

/** The latest time stamp in the hospital extracts, ISO 8601 without zone (local Norwegian time). */
export async function dataThrough(warehouse: Warehouse): Promise<string | null> {
  return warehouse.withConnection((connection) => dataThroughOf(warehouse, connection));
}

// "Data through" is a scan of every stay (tens of ms on national data), asked by every answer.
const dataThroughOf = oncePerDataVersion(dataThroughOn);
// The years with stays bound the periods a request may ask for (bounds.ts): a scan of every stay.
const dataYearsOf = oncePerDataVersion(dataYearsOn);

/** The first and last calendar year with stays; null before any are imported. */
export async function dataYears(warehouse: Warehouse): Promise<DataYears | null> {
  return warehouse.withConnection((connection) => dataYearsOf(warehouse, connection));
}

/** protect: answer from perturbed base cells (docs/disclosure-control.md); every row says `protected: true`. */
export interface QueryOptions {
  protect?: boolean;
}

/** One row per target and period, exact or (options.protect) protected. `gate` bounds its size, time and concurrency. */
export async function queryMetric(
  warehouse: Warehouse,
  query: MetricQuery,
  gate: MetricGate = defaultMetricGate(),
  options: QueryOptions = {},
): Promise<MetricResponse> {
  const spec = requireSpec(query.metric);
  await ensureDerived(warehouse);
  return warehouse.withConnection(async (connection) => {
    const { directory } = await referenceDataOf(warehouse, connection);
    const targets = spec.perUnit ? unitTargets(directory, query.units ?? []) : municipalityTargets(directory, query.municipalities);
    const rows = await computeRows(connection, gate, spec, query, targets, query.by, { protect: options.protect === true });
    return response(spec, query, query.by, rows, await dataThroughOf(warehouse, connection));
  });
}

/** One row per municipality (collaborations expanded into their members; units for kad-occupancy)
 *  over the whole period, with the funnel limits, outliers and variation figures — computed from the
 *  rows as given, so with options.protect from protected rows only. */
export async function compareMetric(
  warehouse: Warehouse,
  query: MetricQuery,
  gate: MetricGate = defaultMetricGate(),
  options: QueryOptions = {},
): Promise<CompareResponse> {
  const spec = requireSpec(query.metric);
  await ensureDerived(warehouse);
  return warehouse.withConnection(async (connection) => {
    const { directory } = await referenceDataOf(warehouse, connection);
    const targets = spec.perUnit ? unitTargets(directory, query.units ?? []) : municipalityTargets(directory, query.municipalities, true);
    const rows = await computeRows(connection, gate, spec, query, targets, 'total', { expectedCounts: true, protect: options.protect === true });
    return { ...response(spec, query, 'total', rows, await dataThroughOf(warehouse, connection)), ...compareFigures(spec.kind, rows, spec.id) };
  });
}

function requireSpec(metric: string): MetricDeclaration {
  const spec = declarationOf(metric);
  if (!spec) throw new UnknownIdError(`Unknown metric "${String(metric).slice(0, 60)}".`);
  return spec;
}

function response(
  spec: MetricDeclaration,
  query: MetricQuery,
  by: MetricQuery['by'],
  rows: MetricRow[],
  through: string | null,
): MetricResponse {
  const answer: MetricResponse = { metric: query.metric, unit: spec.unit, by, from: query.from, to: query.to, dataThrough: through, rows };
  if (query.standardise === 'age-sex' && spec.kind === 'rate')
    answer.standard = rows.some((row) => row.protected) ? protectedStandardPopulation : standardOf(query.standard);
  return answer;
}

async function dataThroughOn(connection: DuckDBConnection): Promise<string | null> {
  const reader = await connection.runAndReadAll(`SELECT strftime(hospital_data_through, '%Y-%m-%dT%H:%M:%S') AS t FROM data_through`);
  const value = reader.getRowObjects()[0]?.t;
  return value == null ? null : String(value);
}

async function computeRows(
  connection: DuckDBConnection,
  gate: MetricGate,
  spec: MetricDeclaration,
  query: MetricQuery,
  targets: ReturnType<typeof unitTargets>,
  by: MetricQuery['by'],
  /** expectedCounts (compare): rates also get the expected count by indirect standardisation (indirect.ts). */
  { expectedCounts = false, protect = false }: { expectedCounts?: boolean; protect: boolean },
): Promise<MetricRow[]> {
  const firstMonth = monthStart(query.from, 'from');
  const lastMonth = monthStart(query.to, 'to');
  if (firstMonth > lastMonth) throw new InvalidQueryError(`from (${query.from}) is after to (${query.to}).`);
  if (targets.length === 0) return [];
  const [ageLow, ageHigh] = parseAge(query.age ?? spec.defaults.age);
  // The API validates these already (api/metrics/params.ts, from the same catalogue entry); the engine
  // checks again because it splices `by` into SQL and because an unknown area or group would
  // otherwise silently give zeros.
  const allowed = (name: string, value: string, values: readonly string[]) => {
    if (!values.includes(value)) throw new InvalidQueryError(`${name} must be one of ${values.join(', ')} for ${spec.id}; got "${value.slice(0, 20)}".`);
  };
  allowed('by', by, spec.grains);
  allowed('sex', query.sex, sexes);
  if (query.area !== undefined) allowed('area', query.area, spec.areas);
  if (query.group !== undefined) allowed('group', query.group, spec.groups);
  const labels = new Set(targets.map((target) => target.label)).size;
  checkCells(labels, periodCount(firstMonth, lastMonth, by), by, spec.perUnit ? 'units' : 'municipalities', gate.limits.maxCells);
  // Checked whenever given, also where it does not apply, so a typo is not silently ignored.
  const standard = query.standard !== undefined || query.standardise === 'age-sex' ? standardOf(query.standard) : null;
  const standardised = query.standardise === 'age-sex' && spec.kind === 'rate';
  if (protect) checkProtectedShape(spec, by, ageLow, ageHigh);
  const { sql, parameters } = buildMetricQuery({
    spec,
    targets,
    firstMonth,
    lastMonth,
    by,
    ageLow,
    ageHigh,
    sex: query.sex,
    area: query.area ?? spec.defaults.area,
    group: query.group ?? 'all',
    // Protected figures are sums of base cells, whose strata are the broad bands.
    standard: standardised ? (protect ? protectedStandardPopulation : standard) : null,
    expectedCounts,
    protect,
  });
  const result = await gate.run(connection, () => connection.runAndReadAll(sql, parameters));
  // Column-wise conversion: about half the time of row objects on a 12 800-row answer.
  const columns = result.getColumnsObjectJS() as Record<string, unknown[]>;
  return Array.from({ length: result.currentRowCount }, (_, index) => {
    const row = toRow(spec, query, (name) => columns[name]?.[index], standardised);
    if (protect) row.protected = true;
    return row;
  });
}

const broadBandStarts = baseAgeBands.map((band) => parseAge(band)[0]);
const broadBandEnds = baseAgeBands.map((band) => parseAge(band)[1]);

/** Protected figures exist only for whole base cells: months (or longer), unions of the broad bands. */
function checkProtectedShape(spec: MetricDeclaration, by: MetricQuery['by'], ageLow: number, ageHigh: number): void {
  if (by === 'day')
    throw new InvalidQueryError(`by=day is not available for figures you may not see exactly; ask for by=month or longer (${spec.id}).`);
  if (!spec.perUnit && !(broadBandStarts.includes(ageLow) && broadBandEnds.includes(ageHigh)))
    throw new InvalidQueryError(
      `age: figures you may not see exactly are given for the age groups ${protectableAges.join(', ')} only (unions of ${baseAgeBands.join(', ')}).`,
    );
}

const asNumber = (v: unknown): number | null => (v == null ? null : Number(v));

/** The rates a row's cost used (query-sql.ts period_rate): one rate when the period lies in one year. */
function dailyRatesOf(rates: unknown, missing: unknown): Pick<MetricRow, 'dailyRateNok' | 'dailyRates' | 'missingRateYears'> {
  const dailyRates = ((rates ?? []) as { year: unknown; nok: unknown }[]).map((r) => ({ year: Number(r.year), nok: Number(r.nok) }));
  const missingRateYears = ((missing ?? []) as unknown[]).map(Number);
  const single = dailyRates.length === 1 && missingRateYears.length === 0 ? dailyRates[0]!.nok : null;
  return { dailyRateNok: single, dailyRates, missingRateYears };
}

/** One answer row; `raw(name)` reads the column `name` of this row. */
function toRow(spec: MetricDeclaration, query: MetricQuery, raw: (name: string) => unknown, standardised: boolean): MetricRow {
  const numerator = asNumber(raw('numerator')) ?? 0;
  const row: MetricRow = {
    period: String(raw('period')),
    numerator,
    denominator: null,
    value: null,
    ciLow: null,
    ciHigh: null,
    suppressed: false,
  };
  if (spec.perUnit) row.unit = String(raw('label'));
  else row.municipality = String(raw('label'));

  if (spec.kind === 'rate') {
    const personYears = asNumber(raw('person_years'));
    row.denominator = personYears;
    if (personYears && personYears > 0) {
      row.value = (numerator * 1000) / personYears;
      const ci = rateInterval(numerator, personYears);
      if (ci) [row.ciLow, row.ciHigh] = ci;
    }
    if (standardised) {
      row.standardised = asNumber(raw('standardised'));
      const variance = asNumber(raw('standardised_variance'));
      const ci = row.standardised === null || variance === null ? null : standardisedInterval(row.standardised, variance, numerator);
      [row.standardisedCiLow, row.standardisedCiHigh] = ci ?? [null, null];
    }
  } else {
    const denominator = asNumber(raw('denominator')) ?? 0;
    row.denominator = denominator;
    if (denominator > 0) {
      row.value = spec.kind === 'mean' ? numerator / denominator : (numerator * 100) / denominator;
      if (spec.kind === 'share') {
        const ci = wilson(numerator, denominator);
        if (ci) [row.ciLow, row.ciHigh] = [ci[0] * 100, ci[1] * 100];
      }
    }
    if (query.standardise === 'age-sex') [row.standardised, row.standardisedCiLow, row.standardisedCiHigh] = [null, null, null];
  }
  if (spec.id === 'discharge-ready-days') {
    row.stays = asNumber(raw('stays'));
    row.patients = asNumber(raw('patients'));
    row.costNok = asNumber(raw('cost_nok'));
    row.meanDaysPerStay = row.stays ? numerator / row.stays : null;
    Object.assign(row, dailyRatesOf(raw('daily_rates'), raw('missing_rate_years')));
  }
  const expected = asNumber(raw('expected'));
  if (expected !== null) row.expected = expected;
  return row;
}
