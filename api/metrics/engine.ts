// The metric engine: installs the metric SQL (api/metrics/*.sql) as the analysts' views and macros,
// and answers metric and comparison queries by composing periods, filters, targets, person-years
// and standardisation around the facts those files define. The definitions themselves live only in
// the SQL files.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../../pipeline/db.ts';
import { diagnosisGroups, type CompareResponse, type MetricQuery, type MetricResponse, type MetricRow } from '../../contract/types.ts';
import { metricCatalogue, metricSql, analystObjects, byDayOnlyMessage, specOf, sqlFiles, sqlOf, type MetricSpec } from './catalogue.ts';
import { buildMetricQuery } from './query-sql.ts';
import { dropOutdatedDerived, ensureDerived, refreshDerived } from './derived.ts';
import { compareFigures } from './compare.ts';
import { rateInterval, standardisedInterval, wilson } from './statistics.ts';
import { checkCells, dataYearsOn, defaultMetricGate, periodCount, type DataYears, type MetricGate } from './bounds.ts';
import { InvalidQueryError, UnknownIdError, monthStart, municipalityTargets, parseAge, readTargetDirectory, unitTargets, type TargetDirectory } from './targets.ts';

export { metricCatalogue, metricSql, analystObjects, UnknownIdError, InvalidQueryError, refreshDerived, ensureDerived };

/** CREATE OR REPLACE every view and macro of api/metrics/*.sql (idempotent), then brings the derived
 *  tables up to date (a no-op when nothing changed). */
export async function installMetricViews(warehouse: Warehouse): Promise<void> {
  await warehouse.withConnection(async (connection) => {
    await dropOutdatedDerived(connection);
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

/**
 * `read` once per data version in the server, every time elsewhere. In the server (locked down) the
 * importer is the only writer and bumps dataVersion; tests that write rows directly are not.
 */
function oncePerDataVersion<T>(read: (connection: DuckDBConnection) => Promise<T>) {
  const remembered = new WeakMap<Warehouse, { version: number; value: T }>();
  return async (warehouse: Warehouse, connection: DuckDBConnection): Promise<T> => {
    const known = remembered.get(warehouse);
    if (warehouse.lockedDown && known?.version === warehouse.dataVersion) return known.value;
    const version = warehouse.dataVersion;
    const value = await read(connection);
    remembered.set(warehouse, { version, value });
    return value;
  };
}

// "Data through" is a scan of every stay (tens of ms on national data), asked by every answer.
const dataThroughOf = oncePerDataVersion(dataThroughOn);
// The years with stays bound the periods a request may ask for (bounds.ts): a scan of every stay.
const dataYearsOf = oncePerDataVersion(dataYearsOn);
// The ids a query may name (codes, the code history, collaborations, units): ~20 ms of small queries.
const targetDirectoryOf = oncePerDataVersion(readTargetDirectory);

/** The first and last calendar year with stays; null before any are imported. */
export async function dataYears(warehouse: Warehouse): Promise<DataYears | null> {
  return warehouse.withConnection((connection) => dataYearsOf(warehouse, connection));
}

/** One row per target and period, unsuppressed. `gate` bounds its size, time and concurrency. */
export async function queryMetric(warehouse: Warehouse, query: MetricQuery, gate: MetricGate = defaultMetricGate()): Promise<MetricResponse> {
  const spec = requireSpec(query.metric);
  await ensureDerived(warehouse);
  return warehouse.withConnection(async (connection) => {
    const directory = await targetDirectoryOf(warehouse, connection);
    const targets = spec.perUnit ? unitTargets(directory, query.units ?? []) : municipalityTargets(directory, query.municipalities);
    const rows = await computeRows(connection, gate, spec, query, targets, query.by);
    return response(spec, query, query.by, rows, await dataThroughOf(warehouse, connection));
  });
}

/** One row per municipality (collaborations expanded into their members; units for kad-occupancy)
 *  over the whole period, with the funnel limits, outliers and variation figures. */
export async function compareMetric(warehouse: Warehouse, query: MetricQuery, gate: MetricGate = defaultMetricGate()): Promise<CompareResponse> {
  const spec = requireSpec(query.metric);
  await ensureDerived(warehouse);
  return warehouse.withConnection(async (connection) => {
    const directory = await targetDirectoryOf(warehouse, connection);
    const targets = spec.perUnit ? unitTargets(directory, query.units ?? []) : municipalityTargets(directory, query.municipalities, true);
    const rows = await computeRows(connection, gate, spec, query, targets, 'total');
    return { ...response(spec, query, 'total', rows, await dataThroughOf(warehouse, connection)), ...compareFigures(spec.kind, rows) };
  });
}

function requireSpec(metric: string): MetricSpec {
  const spec = specOf(metric);
  if (!spec) throw new UnknownIdError(`Unknown metric "${String(metric).slice(0, 60)}".`);
  return spec;
}

function response(
  spec: MetricSpec,
  query: MetricQuery,
  by: MetricQuery['by'],
  rows: MetricRow[],
  through: string | null,
): MetricResponse {
  return { metric: spec.id, unit: spec.unit, by, from: query.from, to: query.to, dataThrough: through, rows };
}

async function dataThroughOn(connection: DuckDBConnection): Promise<string | null> {
  const reader = await connection.runAndReadAll(`SELECT strftime(hospital_data_through, '%Y-%m-%dT%H:%M:%S') AS t FROM data_through`);
  const value = reader.getRowObjects()[0]?.t;
  return value == null ? null : String(value);
}

async function computeRows(
  connection: DuckDBConnection,
  gate: MetricGate,
  spec: MetricSpec,
  query: MetricQuery,
  targets: ReturnType<typeof unitTargets>,
  by: MetricQuery['by'],
): Promise<MetricRow[]> {
  const firstMonth = monthStart(query.from, 'from');
  const lastMonth = monthStart(query.to, 'to');
  if (firstMonth > lastMonth) throw new InvalidQueryError(`from (${query.from}) is after to (${query.to}).`);
  if (targets.length === 0) return [];
  const [ageLow, ageHigh] = parseAge(query.age ?? spec.defaultAge);
  // The API validates these already; the engine checks again because it splices `by` into SQL and
  // because an unknown area or group would otherwise silently give zeros.
  if (!['day', 'month', 'quarter', 'year', 'total'].includes(by)) throw new InvalidQueryError(`by must be day, month, quarter, year or total.`);
  if (by === 'day' && !spec.hasDay) throw new InvalidQueryError(byDayOnlyMessage);
  if (!['all', 'M', 'K'].includes(query.sex)) throw new InvalidQueryError(`sex must be all, M or K.`);
  if (query.area !== undefined && !['all', 'somatikk', 'psykisk_helsevern', 'tsb'].includes(query.area))
    throw new InvalidQueryError(`area must be all, somatikk, psykisk_helsevern or tsb.`);
  if (query.group !== undefined && !(diagnosisGroups as readonly string[]).includes(query.group))
    throw new InvalidQueryError(`group must be one of ${diagnosisGroups.join(', ')}.`);
  const labels = new Set(targets.map((target) => target.label)).size;
  checkCells(labels, periodCount(firstMonth, lastMonth, by), by, spec.perUnit ? 'units' : 'municipalities', gate.limits.maxCells);
  const standardYear = query.standardise === 'age-sex' && spec.kind === 'rate' ? await standardYearOf(connection, query) : null;
  const { sql, parameters } = buildMetricQuery({
    spec,
    targets,
    firstMonth,
    lastMonth,
    by,
    ageLow,
    ageHigh,
    sex: query.sex,
    area: query.area ?? spec.defaultArea,
    group: query.group ?? 'all',
    standardYear,
  });
  const result = await gate.run(connection, () => connection.runAndReadAll(sql, parameters));
  // Column-wise conversion: about half the time of row objects on a 12 800-row answer.
  const columns = result.getColumnsObjectJS() as Record<string, unknown[]>;
  return Array.from({ length: result.currentRowCount }, (_, index) =>
    toRow(spec, query, (name) => columns[name]?.[index], standardYear !== null),
  );
}

async function standardYearOf(connection: DuckDBConnection, query: MetricQuery): Promise<number> {
  const years = (await connection.runAndReadAll('SELECT DISTINCT year FROM population ORDER BY year'))
    .getRows()
    .map((r) => Number(r[0]));
  if (query.standardYear === undefined) return years.at(-1) ?? 0;
  if (!years.includes(query.standardYear))
    throw new InvalidQueryError(`There is no population for standard year ${query.standardYear}; years with population: ${years.join(', ') || 'none'}.`);
  return query.standardYear;
}

const asNumber = (v: unknown): number | null => (v == null ? null : Number(v));

/** One answer row; `raw(name)` reads the column `name` of this row. */
function toRow(spec: MetricSpec, query: MetricQuery, raw: (name: string) => unknown, standardised: boolean): MetricRow {
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
  }
  return row;
}
