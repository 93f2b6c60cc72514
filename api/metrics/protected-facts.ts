// The protected query path's facts (docs/disclosure-control.md): instead of the records, PERTURBED
// BASE CELLS — key (municipality, or unit for per-unit metrics) × month × sex × broad age band (0–66,
// 67–79, 80+) for the query's diagnosis group and service area. Each cell's counts are perturbed once,
// by their own cell keys (the sum of the counted records' keys mod 2^52) through the perturbation
// table, and nights as magnitudes; every protected figure is then a sum of these cells, so any two
// answers differ by perturbed cells only. Cells depend on the key, never on the asked-for label or
// period: a municipality's cell is the same alone, in a collaboration, a quarter or a 12-month total.
// Person-years and bed capacity are public, not perturbed.
import type { MetricId } from '../../contract/types.ts';
import { cellKeySql } from '../disclosure/cell-key.ts';
import { perturbationTableSql, steadyFrom } from '../disclosure/perturbation.ts';
import { keyUnitsPerOne } from '../disclosure/record-key.ts';
import type { QueryShape } from './query-sql.ts';

/** What a metric's base cell publishes. count: records (a rate's numerator); share: records with
 *  numerator 1 over records; nights: a magnitude over the stays that give it (rate, mean, occupancy). */
type ProtectedForm = 'count' | 'share' | 'nights';
const protectedForm: Record<MetricId, ProtectedForm> = {
  readmissions: 'share',
  'readmissions-national': 'share',
  'acute-admissions': 'count',
  'discharge-ready-days': 'nights',
  'kad-stays': 'count',
  'kad-bed-days': 'nights',
  'kad-length-of-stay': 'nights',
  'kad-transfer-share': 'share',
  'kad-occupancy': 'nights',
};

/** The published count for a true count and its cell key (both SQL expressions): perturbCount in SQL. */
export function publishedCountSql(count: string, cellKey: string): string {
  return `(${count} + coalesce((SELECT p.noise FROM perturbation p WHERE p.row_class = least(${count}, ${steadyFrom})
      AND ${cellKey} >= p.lower_units AND ${cellKey} < p.upper_units), 0))`;
}

/** perturbNights in SQL: nights + round(largest × μ), μ from the nights key; 0 without published stays. */
export function publishedNightsSql(nights: string, largest: string, nightsKey: string, publishedStays: string): string {
  const key = `(${nightsKey}::DOUBLE / ${keyUnitsPerOne}::DOUBLE)`;
  const factor = `(CASE WHEN ${key} < 0.5::DOUBLE THEN -(0.2::DOUBLE + 0.8::DOUBLE * ${key}) ELSE 0.2::DOUBLE + 0.8::DOUBLE * (${key} - 0.5::DOUBLE) END)`;
  return `(CASE WHEN ${publishedStays} = 0 OR ${nights} = 0 THEN 0 ELSE ${nights} + floor(${largest} * ${factor} + 0.5::DOUBLE) END)`;
}

/** The cell key of the rows' record keys (cellKeySql), of the rows that pass `filter` only if given. */
const keySum = (column: string, filter?: string) =>
  filter ? `(coalesce(sum(${column}::HUGEINT) FILTER (WHERE ${filter}), 0) % ${keyUnitsPerOne})::BIGINT` : cellKeySql(column);

/**
 * CTEs `perturbation`, `base_record`, the form's cell CTEs, `base_cell` (key, month, sex, band,
 * numerator, denominator, stays, patients, cost_nok: published figures) and `fact` (label, period,
 * sex, stratum = band, and those figures), replacing the exact path's `fact`. Reads `target` and `bucket`.
 */
export function protectedFactCtes(shape: QueryShape, factsCall: string): string[] {
  const { spec } = shape;
  const keyColumn = spec.perUnit ? 'unit' : 'municipality_code';
  const personFilter = spec.perUnit ? 'true' : `f.age BETWEEN $age_low AND $age_high AND ($sex = 'all' OR f.sex = $sex)`;
  const band = spec.perUnit ? 'NULL::INTEGER' : `standard_stratum('broad', f.age)`;
  const form = protectedForm[spec.id as MetricId];
  if (!form) throw new Error(`${spec.id} has no protected form: add it to protectedForm in protected-facts.ts.`);
  return [
    `perturbation AS (SELECT * FROM ${perturbationTableSql()})`,
    `base_record AS (SELECT f.${keyColumn} AS key, f.month, f.sex, ${band} AS band, f.numerator, f.denominator,
       f.record_key, f.nights_key, f.patient_record_key, f.cost_nok
       FROM ${factsCall} f
       WHERE f.${keyColumn} IN (SELECT key FROM target) AND f.month BETWEEN $first_month::DATE AND $last_month::DATE AND ${personFilter})`,
    ...(form === 'nights' ? nightsCells(spec.kind) : countCells(form)),
    `fact AS (SELECT t.label, b.period, c.sex, c.band AS stratum, c.numerator, c.denominator, c.stays, c.patients, c.cost_nok
       FROM base_cell c JOIN target t ON t.key = c.key JOIN bucket b ON b.month = c.month)`,
  ];
}

/** Counts of records, one fact row per record: published records (and, for shares, records with numerator 1). */
function countCells(form: 'count' | 'share'): string[] {
  const cell = `true_cell AS (SELECT key, month, sex, band, count(*) AS records, ${keySum('record_key')} AS records_key,
       count(*) FILTER (WHERE numerator > 0) AS positives, ${keySum('record_key', 'numerator > 0')} AS positives_key
       FROM base_record GROUP BY key, month, sex, band)`;
  const records = publishedCountSql('records', 'records_key');
  // A share's numerator and denominator have their own keys; the numerator is kept within the
  // denominator cell by cell, so the share never exceeds 100 % and sums stay sums (0 or ≥ 5 either way).
  const numerator = form === 'share' ? `least(${publishedCountSql('positives', 'positives_key')}, ${records})` : records;
  return [
    cell,
    `base_cell AS (SELECT key, month, sex, band, ${numerator}::DOUBLE AS numerator,
       ${form === 'share' ? records : 'NULL'}::DOUBLE AS denominator,
       NULL::DOUBLE AS stays, NULL::DOUBLE AS patients, NULL::DOUBLE AS cost_nok FROM true_cell)`,
  ];
}

/** Nights: fact rows are nights (or stays with their nights); each stay is one record of its cell. */
function nightsCells(kind: QueryShape['spec']['kind']): string[] {
  const denominator = kind === 'mean' ? 'published_stays' : kind === 'occupancy' ? 'capacity' : 'NULL';
  return [
    // One row per stay (or per capacity row group: record_key NULL) and cell, with its nights there.
    `stay_in_cell AS (SELECT key, month, sex, band, record_key, nights_key, patient_record_key,
       sum(numerator) AS nights, sum(denominator) AS denominator, any_value(cost_nok) AS rate_nok
       FROM base_record GROUP BY key, month, sex, band, record_key, nights_key, patient_record_key)`,
    `true_cell AS (SELECT key, month, sex, band,
       count(record_key) AS stays, ${keySum('record_key')} AS stays_key,
       coalesce(sum(nights) FILTER (WHERE record_key IS NOT NULL), 0) AS nights,
       coalesce(max(nights) FILTER (WHERE record_key IS NOT NULL), 0) AS largest, ${keySum('nights_key')} AS nights_key,
       count(DISTINCT patient_record_key) AS patients,
       (coalesce(sum(DISTINCT patient_record_key::HUGEINT), 0) % ${keyUnitsPerOne})::BIGINT AS patients_key,
       sum(denominator) AS capacity, any_value(rate_nok) AS rate_nok
       FROM stay_in_cell GROUP BY key, month, sex, band)`,
    `published_stays AS (SELECT *, ${publishedCountSql('stays', 'stays_key')}::DOUBLE AS published_stays FROM true_cell)`,
    // Discharge-ready days' cost: published nights × the rate of the cell's month's year.
    `base_cell AS (SELECT key, month, sex, band, published_nights AS numerator, ${denominator}::DOUBLE AS denominator,
       published_stays AS stays, ${publishedCountSql('patients', 'patients_key')}::DOUBLE AS patients,
       published_nights * rate_nok AS cost_nok
       FROM (SELECT *, ${publishedNightsSql('nights', 'largest', 'nights_key', 'published_stays')}::DOUBLE AS published_nights FROM published_stays))`,
  ];
}
