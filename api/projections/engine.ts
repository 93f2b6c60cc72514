// Demand projections (issue 13, contract/projections.ts): expected events (or nights) per year from the
// base period's age–sex-specific rates × SSB's projected population, per municipality and collaboration
// (a collaboration is the sum of its members' projections), projection year and alternative; with an
// annual change in the rates on top of demography, beds needed at a target occupancy for metrics in
// nights, and discharge-ready days' cost at the latest known daily rate. The rates come from the same
// facts as every other figure, exact or (options.protect) protected base cells (projection-sql.ts).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../../pipeline/db.ts';
import { declarationOf, type DiagnosisGroup, type MetricDeclaration, type MetricId } from '../../contract/types.ts';
import { projectableMetrics, type ProjectionResponse, type ProjectionRow, type RateSource } from '../../contract/projections.ts';
import { oncePerDataVersion } from '../data-version.ts';
import { ApiError } from '../http-error.ts';
import { defaultMetricGate, type MetricGate } from '../metrics/bounds.ts';
import { ensureDerived } from '../metrics/engine.ts';
import { InvalidQueryError, municipalityTargets, parseAge } from '../metrics/targets.ts';
import { referenceDataOf } from '../reference.ts';
import { buildProjectionQuery } from './projection-sql.ts';

/** The metrics a projection is made for, and what the others should use instead. */
export { projectableMetrics };
export const notProjectable: Partial<Record<MetricId, string>> = {
  'kad-occupancy': 'it is per unit, not per resident: project kad-bed-days, whose rows give beds needed at a target occupancy',
  'kad-length-of-stay': 'a mean is not a count of residents: project kad-bed-days (nights) and kad-stays (stays)',
  'kad-transfer-share': 'a share of stays is not a count of residents: project kad-stays',
};

/** Why a metric is not projected, or null when it is. */
export function notProjectedBecause(metric: MetricId): string | null {
  if ((projectableMetrics as readonly string[]).includes(metric)) return null;
  return notProjectable[metric] ?? `projections are made for ${projectableMetrics.join(', ')}`;
}

/** A municipality's own rates need this many events (nights for metrics in nights) in the base period;
 *  below it the row uses its collaboration's pooled rates, or every municipality's. */
export const ownRateThreshold = { events: 20, nights: 100 } as const;

export interface ProjectionQuery {
  metric: MetricId;
  /** Current municipality codes and/or collaboration ids; empty = every municipality. */
  municipalities: string[];
  base: { from: number; to: number };
  alternatives: string[];
  changePercentPerYear: number;
  occupancyPercent: number;
  /** readmissions: the diagnosis group of the index episode. */
  group?: DiagnosisGroup;
}

/** What the warehouse holds for projections, read once per data version. */
export interface ProjectionData {
  /** The newest projection round imported (population_projection.vintage), null before any. */
  vintage: string | null;
  /** Its alternatives and projection years. */
  alternatives: string[];
  years: number[];
  /** First year with stays and the complete-through date (YYYY-MM-DD) per source; null without stays. */
  hospital: { first: number; through: string } | null;
  kad: { first: number; through: string } | null;
}

export const projectionDataOf = oncePerDataVersion(async (connection: DuckDBConnection): Promise<ProjectionData> => {
  const reader = await connection.runAndReadAll(`WITH v AS (SELECT max(vintage) AS vintage FROM population_projection)
    SELECT (SELECT vintage FROM v) AS vintage,
      (SELECT list(DISTINCT alternative ORDER BY alternative) FROM population_projection WHERE vintage = (SELECT vintage FROM v)) AS alternatives,
      (SELECT list(DISTINCT year ORDER BY year) FROM population_projection WHERE vintage = (SELECT vintage FROM v)) AS years,
      (SELECT year(min(admitted)) FROM hospital_stay) AS hospital_first,
      (SELECT year(min(admitted)) FROM kad_stay) AS kad_first,
      (SELECT strftime(hospital_complete_through, '%Y-%m-%d') FROM data_through) AS hospital_through,
      (SELECT strftime(kad_data_through, '%Y-%m-%d') FROM data_through) AS kad_through`);
  const row = reader.getRowObjectsJS()[0]!;
  const source = (first: unknown, through: unknown) => (first == null || through == null ? null : { first: Number(first), through: String(through) });
  return {
    vintage: row.vintage == null ? null : String(row.vintage),
    alternatives: ((row.alternatives as unknown[] | null) ?? []).map(String),
    years: ((row.years as unknown[] | null) ?? []).map(Number),
    hospital: source(row.hospital_first, row.hospital_through),
    kad: source(row.kad_first, row.kad_through),
  };
});

/** The whole years a base period may cover for this metric: from its first year with stays to its last
 *  complete year (31 December plus the metric's follow-up reached by every source). Null without data. */
export function baseYearsFor(spec: MetricDeclaration, data: ProjectionData): { first: number; lastComplete: number } | null {
  const source = spec.id.startsWith('kad-') ? data.kad : data.hospital;
  if (!source) return null;
  const through = Date.parse(`${source.through}T00:00:00Z`);
  let year = Number(source.through.slice(0, 4));
  while (Date.UTC(year, 11, 31) + spec.followUpDays * 86_400_000 > through) year -= 1;
  return year < source.first ? null : { first: source.first, lastComplete: year };
}

export function projectionSpec(metric: string): MetricDeclaration {
  const spec = declarationOf(metric);
  if (!spec) throw new InvalidQueryError(`Unknown metric "${metric.slice(0, 60)}".`);
  const refusal = notProjectedBecause(spec.id as MetricId);
  if (refusal) throw new InvalidQueryError(`metric: ${spec.id} is not projected: ${refusal}.`);
  return spec;
}

const sourceOrder: RateSource[] = ['own', 'collaboration', 'all'];
const widest = (a: RateSource, b: RateSource) => (sourceOrder.indexOf(a) >= sourceOrder.indexOf(b) ? a : b);

export async function projectMetric(
  warehouse: Warehouse,
  query: ProjectionQuery,
  gate: MetricGate = defaultMetricGate(),
  options: { protect?: boolean } = {},
): Promise<ProjectionResponse> {
  const spec = projectionSpec(query.metric);
  const protect = options.protect === true;
  await ensureDerived(warehouse);
  return warehouse.withConnection(async (connection) => {
    const [{ directory }, data] = await Promise.all([referenceDataOf(warehouse, connection), projectionDataOf(warehouse, connection)]);
    const targets = municipalityTargets(directory, query.municipalities);
    const labels = [...new Set(targets.map((target) => target.label))];
    const baseYear = await baseYearOf(connection, query.base);
    const years = 1 + data.years.filter((year) => year > baseYear).length;
    const cells = labels.length * years * query.alternatives.length;
    if (cells > gate.limits.maxCells)
      throw new ApiError(400, 'too_many_cells',
        `The request asks for ${labels.length} municipalities × ${years} years × ${query.alternatives.length} alternatives = ${cells} rows; ` +
          `at most ${gate.limits.maxCells} are answered at once. Ask for fewer municipalities or alternatives.`);
    const [ageLow, ageHigh] = parseAge(spec.defaults.age);
    const { sql, parameters } = buildProjectionQuery({
      spec,
      municipalities: directory.current,
      wanted: [...new Set(targets.map((target) => target.key))],
      base: query.base,
      baseYear,
      ageLow,
      ageHigh,
      area: spec.defaults.area,
      group: query.group ?? 'all',
      groupPatients: query.group !== undefined,
      vintage: data.vintage,
      alternatives: query.alternatives,
      ownThreshold: spec.countsNights ? ownRateThreshold.nights : ownRateThreshold.events,
      protect,
    });
    const result = await gate.run(connection, () => connection.runAndReadAll(sql, parameters));
    const dailyRate = spec.id === 'discharge-ready-days' ? await latestDailyRate(connection) : undefined;
    // Column-wise: about half the time of row objects on ~30 000 rows (as the metric engine reads).
    const columns = result.getColumnsObjectJS() as Record<string, unknown[]>;
    const byKey = new Map<string, number>();
    for (let i = 0; i < result.currentRowCount; i++) byKey.set(`${columns.municipality![i]}|${columns.alternative![i]}|${columns.year![i]}`, i);
    const keysOf = new Map<string, string[]>();
    for (const target of targets) keysOf.set(target.label, [...(keysOf.get(target.label) ?? []), target.key]);
    const yearList = [baseYear, ...data.years.filter((year) => year > baseYear)];
    const rows: ProjectionRow[] = [];
    for (const label of labels)
      for (const alternative of query.alternatives)
        for (const year of yearList) {
          const parts = keysOf.get(label)!.map((key) => byKey.get(`${key}|${alternative}|${year}`)).filter((i) => i !== undefined);
          if (parts.length === 0) continue;
          const sum = (column: string) => parts.reduce((total, i) => total + Number(columns[column]![i]), 0);
          const rateSource = parts.map((i) => columns.rate_source![i] as RateSource).reduce(widest);
          rows.push(projectionRow(spec, query, { label, alternative, year, baseYear, rateSource, protect, dailyRate },
            { population: sum('population'), demography: sum('demography'), denominator: sum('denominator_demography'),
              patients: query.group === undefined ? undefined : sum('patients_demography') }));
        }
    const response: ProjectionResponse = {
      metric: query.metric,
      measure: spec.countsNights ? 'nights' : 'events',
      base: query.base,
      vintage: data.vintage,
      alternatives: query.alternatives,
      changePercentPerYear: query.changePercentPerYear,
      occupancyPercent: query.occupancyPercent,
      rows,
    };
    if (query.group !== undefined) response.group = query.group;
    if (dailyRate !== undefined) response.dailyRate = dailyRate;
    return response;
  });
}

interface RowContext {
  label: string;
  alternative: string;
  year: number;
  baseYear: number;
  rateSource: RateSource;
  protect: boolean;
  dailyRate: { year: number; nok: number } | null | undefined;
}

function projectionRow(
  spec: MetricDeclaration,
  query: ProjectionQuery,
  context: RowContext,
  figures: { population: number; demography: number; denominator: number; patients?: number | undefined },
): ProjectionRow {
  const factor = (1 + query.changePercentPerYear / 100) ** (context.year - context.baseYear);
  const row: ProjectionRow = {
    municipality: context.label,
    alternative: context.alternative,
    year: context.year,
    population: figures.population,
    demography: figures.demography,
    withChange: figures.demography * factor,
    rateSource: context.rateSource,
  };
  if (spec.countsNights) {
    const beds = (nights: number) => nights / 365 / (query.occupancyPercent / 100);
    row.bedsDemography = beds(row.demography);
    row.bedsWithChange = beds(row.withChange);
  }
  if (context.dailyRate !== undefined) {
    row.costNok = context.dailyRate === null ? null : row.demography * context.dailyRate.nok;
    row.costWithChangeNok = context.dailyRate === null ? null : row.withChange * context.dailyRate.nok;
  }
  if (spec.kind === 'share') {
    row.indexEpisodes = figures.denominator;
    row.indexEpisodesWithChange = figures.denominator * factor;
  }
  if (figures.patients !== undefined) {
    row.patients = figures.patients;
    row.patientsWithChange = figures.patients * factor;
  }
  if (context.protect) row.protected = true;
  return row;
}

/** The base period's last year with registered population (the "today" row); the period's last year without any. */
async function baseYearOf(connection: DuckDBConnection, base: { from: number; to: number }): Promise<number> {
  const reader = await connection.runAndReadAll('SELECT max(year) AS year FROM population WHERE year BETWEEN $from AND $to', base);
  const year = reader.getRowObjectsJS()[0]?.year;
  return year == null ? base.to : Number(year);
}

/** The latest year's discharge-ready daily rate, from the table the metric's cost reads. */
async function latestDailyRate(connection: DuckDBConnection): Promise<{ year: number; nok: number } | null> {
  const reader = await connection.runAndReadAll('SELECT year, rate_nok::DOUBLE AS nok FROM discharge_ready_daily_rate ORDER BY year DESC LIMIT 1');
  const row = reader.getRowObjectsJS()[0];
  return row ? { year: Number(row.year), nok: Number(row.nok) } : null;
}
