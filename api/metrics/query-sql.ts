// Builds the one SQL statement that answers a metric query: the metric's facts macro, cut into
// periods, filtered, summed per target (municipality, collaboration or unit) and, for rates, divided
// by person-years (with age–sex standardisation on request). Only validated enumerations and fixed
// fragments are spliced in; every user-influenced value is a prepared-statement parameter.
import type { PeriodGrain } from '../../contract/types.ts';
import type { MetricDeclaration } from '../../contract/types.ts';
import { exactStrata, indirectColumn, indirectCtes, indirectJoin, protectedStrata } from './indirect.ts';
import { protectedFactCtes } from './protected-facts.ts';

export interface Target {
  /** Row label: municipality code, collaboration id or unit id. */
  label: string;
  /** Municipality code or unit id the facts are joined on. */
  key: string;
}

export interface BuiltQuery {
  sql: string;
  parameters: Record<string, string | number>;
}

export interface QueryShape {
  spec: MetricDeclaration;
  targets: Target[];
  firstMonth: string; // YYYY-MM-01
  lastMonth: string; // YYYY-MM-01
  by: PeriodGrain;
  ageLow: number;
  ageHigh: number;
  sex: 'all' | 'M' | 'K';
  area: string;
  group: string;
  /** Standard population id (standard-population.ts); null = no standardisation. */
  standard: string | null;
  /** Rates: also the expected count by indirect standardisation on the targets' own rates (indirect.ts). */
  expectedCounts?: boolean;
  /** Answer from perturbed base cells (protected-facts.ts) instead of the records. The engine makes sure
   *  the age filter is a union of broad bands, the grain is not day and the standard is esp2013-broad. */
  protect?: boolean;
}

type Parameters = Record<string, string | number>;

const periodLabel: Record<PeriodGrain, string> = {
  day: `strftime(m, '%Y-%m-%d')`,
  month: `strftime(m, '%Y-%m')`,
  quarter: `strftime(m, '%Y') || '-Q' || quarter(m)`,
  year: `strftime(m, '%Y')`,
  total: `'total'`,
};

export function buildMetricQuery(shape: QueryShape): BuiltQuery {
  const { spec } = shape;
  const parameters: Parameters = { first_month: shape.firstMonth, last_month: shape.lastMonth };
  // DuckDB refuses parameters the statement does not use: units have no age or sex.
  if (!spec.perUnit) Object.assign(parameters, { age_low: shape.ageLow, age_high: shape.ageHigh, sex: shape.sex });
  const isRate = spec.kind === 'rate';
  const standardise = isRate && shape.standard !== null;
  if (standardise) parameters.standard = shape.standard!;
  const indirect = isRate && shape.expectedCounts === true;
  const protect = shape.protect === true;
  const costed = costsNights(spec);
  // A day bucket needs facts with a day column (spec.grains includes 'day'); the engine refuses by=day otherwise.
  if (shape.by === 'day' && !spec.grains.includes('day')) throw new Error(`${spec.id} has no day column: by=day is not possible`);
  if (shape.by === 'day' && protect) throw new Error('Protected figures have no day grain: base cells are months.');
  const factsCall = factsMacroCall(shape, parameters);
  const ctes = [
    ...targetCtes(shape, parameters),
    ...(protect ? protectedFactCtes(shape, factsCall) : [factCte(shape, factsCall)]),
    countedCte(protect),
    `grid AS (SELECT t.label, min(t.ord) AS ord, b.period FROM target t CROSS JOIN bucket b GROUP BY t.label, b.period)`,
    ...(isRate ? exposureCtes(standardise) : []),
    ...(standardise ? standardisedCtes(protect) : []),
    ...(indirect ? indirectCtes(protect ? protectedStrata : exactStrata) : []),
    ...(costed ? [periodRateCte(shape.by === 'day' ? 'day' : 'month')] : []),
  ];
  return { sql: `WITH ${ctes.join(',\n')}\n${finalSelect(isRate, standardise, indirect, costed)}`, parameters };
}

/** The statement's first CTEs, `target`, `bucket` and `fact` (the exact records, or protected base cells
 *  with `stratum` = broad band), with their parameters: projections (api/projections/) sum `fact` by stratum. */
export function factCtesOf(shape: QueryShape): { ctes: string[]; parameters: Parameters } {
  const parameters: Parameters = { first_month: shape.firstMonth, last_month: shape.lastMonth };
  if (!shape.spec.perUnit) Object.assign(parameters, { age_low: shape.ageLow, age_high: shape.ageHigh, sex: shape.sex });
  const factsCall = factsMacroCall(shape, parameters);
  const facts = shape.protect === true ? protectedFactCtes(shape, factsCall) : [factCte(shape, factsCall)];
  return { ctes: [...targetCtes(shape, parameters), ...facts], parameters };
}

/** The metric's facts macro with its arguments (area, group) as parameters. */
function factsMacroCall(shape: QueryShape, parameters: Parameters): string {
  const macroArguments = shape.spec.sql.arguments.map((name) => {
    parameters[name] = name === 'area' ? shape.area : shape.group;
    return `$${name}::VARCHAR`;
  });
  return `${shape.spec.sql.factsMacro}(${macroArguments.join(', ')})`;
}

/** `target` (label, key, ord: one row per target key) and `bucket` (month or day → period label). */
function targetCtes(shape: QueryShape, parameters: Parameters): string[] {
  const targetRows = shape.targets.map((target, i) => {
    parameters[`label_${i}`] = target.label;
    parameters[`key_${i}`] = target.key;
    return `($label_${i}::VARCHAR, $key_${i}::VARCHAR, ${i})`;
  });
  const daily = shape.by === 'day';
  return [
    `target(label, key, ord) AS (SELECT * FROM (VALUES ${targetRows.join(', ')}))`,
    `bucket AS (SELECT m::DATE AS ${daily ? 'day' : 'month'}, ${periodLabel[shape.by]} AS period
       FROM range($first_month::DATE, $last_month::DATE + INTERVAL 1 MONTH, INTERVAL 1 ${daily ? 'DAY' : 'MONTH'}) r(m))`,
  ];
}

/** The exact path's `fact`: every fact row of the targets' keys in the period, filtered, labelled. */
function factCte(shape: QueryShape, factsCall: string): string {
  const { spec } = shape;
  const keyColumn = spec.perUnit ? 'unit' : 'municipality_code';
  const personFilter = spec.perUnit ? 'true' : `f.age BETWEEN $age_low AND $age_high AND ($sex = 'all' OR f.sex = $sex)`;
  const bucketColumn = shape.by === 'day' ? 'day' : 'month';
  return `fact AS (SELECT t.label, b.period, f.*
       FROM ${factsCall} f
       JOIN target t ON t.key = f.${keyColumn}
       JOIN bucket b ON b.${bucketColumn} = f.${bucketColumn}
       WHERE ${personFilter})`;
}

/** `counted`: per label and period. Protected facts are already cells: stays and patients are their sums. */
function countedCte(protect: boolean): string {
  const people = protect
    ? 'sum(stays) AS stays, sum(patients) AS patients'
    : 'count(DISTINCT stay_key) AS stays, count(DISTINCT patient_key) AS patients';
  return `counted AS (SELECT label, period, sum(numerator) AS numerator, sum(denominator) AS denominator, ${people},
       CASE WHEN bool_and(cost_nok IS NOT NULL) THEN sum(cost_nok) END AS cost_nok
       FROM fact GROUP BY label, period)`;
}

/** Person-years per label and period (public: never perturbed), by standard stratum when standardising. */
function exposureCtes(standardise: boolean): string[] {
  return [
    `exposure_stratum AS (SELECT t.label, b.period, p.sex, ${standardise ? 's.stratum' : 'age_group(p.age) AS stratum'}, fsum(p.person_years) AS person_years
       FROM person_years($first_month::DATE, $last_month::DATE) p
       JOIN target t ON t.key = p.municipality_code
       JOIN bucket b ON b.month = p.month
       ${standardise ? 'JOIN standard_population($standard::VARCHAR) s ON s.sex = p.sex AND s.age = p.age' : ''}
       WHERE p.age BETWEEN $age_low AND $age_high AND ($sex = 'all' OR p.sex = $sex)
       GROUP BY ALL)`,
    `exposure AS (SELECT label, period, fsum(person_years) AS person_years FROM exposure_stratum GROUP BY ALL)`,
  ];
}

/**
 * Direct standardisation. Weights wᵢ = the fixed standard restricted to the query's ages and sexes,
 * normalised once, so every municipality and period gets the same weights (never renormalised per
 * municipality). A stratum without person-years counts as rate 0; if it has events (residents missing
 * from the population), the rate cannot be standardised and is NULL. Protected facts carry their
 * broad band as the stratum (the standard is then esp2013-broad).
 */
function standardisedCtes(protect: boolean): string[] {
  const factStratum = protect
    ? `fact_stratum AS (SELECT label, period, sex, stratum, sum(numerator) AS numerator FROM fact GROUP BY ALL)`
    : `fact_stratum AS (SELECT f.label, f.period, f.sex, s.stratum, sum(f.numerator) AS numerator
       FROM fact f JOIN standard_population($standard::VARCHAR) s ON s.sex = f.sex AND s.age = f.age GROUP BY ALL)`;
  return [
    `weight AS (SELECT sex, stratum, sum(persons) / sum(sum(persons)) OVER () AS share FROM standard_population($standard::VARCHAR)
       WHERE age BETWEEN $age_low AND $age_high AND ($sex = 'all' OR sex = $sex) GROUP BY ALL)`,
    factStratum,
    `stratum_rate AS (SELECT g.label, g.period, w.share, coalesce(f.numerator, 0) AS events, coalesce(e.person_years, 0) AS person_years
       FROM grid g CROSS JOIN weight w
       LEFT JOIN exposure_stratum e ON e.label = g.label AND e.period = g.period AND e.sex = w.sex AND e.stratum = w.stratum
       LEFT JOIN fact_stratum f ON f.label = g.label AND f.period = g.period AND f.sex = w.sex AND f.stratum = w.stratum)`,
    `standardised AS (SELECT label, period,
       CASE WHEN sum(person_years) > 0 AND NOT bool_or(events > 0 AND person_years = 0) THEN
         -- fsum (compensated summation): the same figure whatever order the strata arrive in.
         1000 * fsum(CASE WHEN person_years > 0 THEN share * events / person_years ELSE 0 END) END AS standardised,
       -- Var(DSR) = Σ wᵢ² · dᵢ / nᵢ² (Poisson counts dᵢ over person-years nᵢ), per 1000².
       1000000 * fsum(CASE WHEN person_years > 0 THEN share * share * events / (person_years * person_years) ELSE 0 END) AS standardised_variance
       FROM stratum_rate GROUP BY label, period)`,
  ];
}

/** Metrics whose rows carry a cost: nights × the daily rate of each night's year (discharge_ready_daily_rate). */
export function costsNights(spec: MetricDeclaration): boolean {
  return spec.id === 'discharge-ready-days';
}

/**
 * `period_rate`: per period, the years it covers with their daily rates and the years without one. A
 * year of the period without a rate makes the cost unknown whether or not the row has nights in it,
 * so the answer depends on the periods asked for, never on which records exist (protected figures
 * must not tell a cell with nights from an empty one: docs/disclosure-control.md).
 */
function periodRateCte(bucketColumn: 'day' | 'month'): string {
  return `period_rate AS (SELECT y.period,
       coalesce(list({'year': y.year, 'nok': r.rate_nok::DOUBLE} ORDER BY y.year) FILTER (WHERE r.rate_nok IS NOT NULL), []) AS daily_rates,
       coalesce(list(y.year ORDER BY y.year) FILTER (WHERE r.rate_nok IS NULL), []) AS missing_rate_years
       FROM (SELECT DISTINCT period, year(${bucketColumn})::INTEGER AS year FROM bucket) y
       LEFT JOIN discharge_ready_daily_rate r ON r.year = y.year
       GROUP BY y.period)`;
}

/** One row per label and period of the grid, zeros where nothing happened. */
function finalSelect(isRate: boolean, standardise: boolean, indirect: boolean, costed: boolean): string {
  return `SELECT g.label, g.period,
       coalesce(c.numerator, 0)::DOUBLE AS numerator,
       coalesce(c.denominator, 0)::DOUBLE AS denominator,
       ${isRate ? 'e.person_years' : 'NULL::DOUBLE'} AS person_years,
       ${standardise ? 's.standardised' : 'NULL::DOUBLE'} AS standardised,
       ${standardise ? 's.standardised_variance' : 'NULL::DOUBLE'} AS standardised_variance,
       coalesce(c.stays, 0)::DOUBLE AS stays,
       coalesce(c.patients, 0)::DOUBLE AS patients,
       CASE WHEN ${costed ? 'len(pr.missing_rate_years) > 0' : 'false'} THEN NULL WHEN c.label IS NULL THEN 0 ELSE c.cost_nok END AS cost_nok,
       ${costed ? 'pr.daily_rates, pr.missing_rate_years,' : ''}
       ${indirect ? indirectColumn : 'NULL::DOUBLE'} AS expected
FROM grid g
LEFT JOIN counted c ON c.label = g.label AND c.period = g.period
${isRate ? 'LEFT JOIN exposure e ON e.label = g.label AND e.period = g.period' : ''}
${standardise ? 'LEFT JOIN standardised s ON s.label = g.label AND s.period = g.period' : ''}
${indirect ? indirectJoin : ''}
${costed ? 'LEFT JOIN period_rate pr ON pr.period = g.period' : ''}
ORDER BY g.ord, g.period`;
}
