// Builds the one SQL statement that answers a metric query: the metric's facts macro, cut into
// periods, filtered, summed per target (municipality, collaboration or unit) and, for rates, divided
// by person-years (with age–sex standardisation on request). Only validated enumerations and fixed
// fragments are spliced in; every user-influenced value is a prepared-statement parameter.
import type { PeriodGrain } from '../../contract/types.ts';
import type { MetricSpec } from './catalogue.ts';

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
  spec: MetricSpec;
  targets: Target[];
  firstMonth: string; // YYYY-MM-01
  lastMonth: string; // YYYY-MM-01
  by: PeriodGrain;
  ageLow: number;
  ageHigh: number;
  sex: 'all' | 'M' | 'K';
  area: string;
  group: string;
  standardYear: number | null; // null = no standardisation
}

const periodLabel: Record<PeriodGrain, string> = {
  day: `strftime(m, '%Y-%m-%d')`,
  month: `strftime(m, '%Y-%m')`,
  quarter: `strftime(m, '%Y') || '-Q' || quarter(m)`,
  year: `strftime(m, '%Y')`,
  total: `'total'`,
};

export function buildMetricQuery(shape: QueryShape): BuiltQuery {
  const { spec } = shape;
  const parameters: Record<string, string | number> = { first_month: shape.firstMonth, last_month: shape.lastMonth };
  // DuckDB refuses parameters the statement does not use: units have no age or sex.
  if (!spec.perUnit) Object.assign(parameters, { age_low: shape.ageLow, age_high: shape.ageHigh, sex: shape.sex });
  const targetRows = shape.targets.map((target, i) => {
    parameters[`label_${i}`] = target.label;
    parameters[`key_${i}`] = target.key;
    return `($label_${i}::VARCHAR, $key_${i}::VARCHAR, ${i})`;
  });
  const macroArguments = spec.arguments.map((name) => {
    parameters[name] = name === 'area' ? shape.area : shape.group;
    return `$${name}::VARCHAR`;
  });
  const keyColumn = spec.perUnit ? 'unit' : 'municipality_code';
  const personFilter = spec.perUnit ? 'true' : `f.age BETWEEN $age_low AND $age_high AND ($sex = 'all' OR f.sex = $sex)`;
  const isRate = spec.kind === 'rate';
  if (shape.standardYear !== null && isRate) parameters.standard_year = shape.standardYear;

  // A day bucket needs facts with a day column (spec.hasDay); the engine refuses by=day otherwise.
  const daily = shape.by === 'day';
  if (daily && !spec.hasDay) throw new Error(`${spec.id} has no day column: by=day is not possible`);
  const bucketColumn = daily ? 'day' : 'month';

  const ctes = [
    `target(label, key, ord) AS (SELECT * FROM (VALUES ${targetRows.join(', ')}))`,
    `bucket AS (SELECT m::DATE AS ${bucketColumn}, ${periodLabel[shape.by]} AS period
       FROM range($first_month::DATE, $last_month::DATE + INTERVAL 1 MONTH, INTERVAL 1 ${daily ? 'DAY' : 'MONTH'}) r(m))`,
    `fact AS (SELECT t.label, b.period, f.*
       FROM ${spec.factsMacro}(${macroArguments.join(', ')}) f
       JOIN target t ON t.key = f.${keyColumn}
       JOIN bucket b ON b.${bucketColumn} = f.${bucketColumn}
       WHERE ${personFilter})`,
    `counted AS (SELECT label, period, sum(numerator) AS numerator, sum(denominator) AS denominator,
       count(DISTINCT stay_key) AS stays, count(DISTINCT patient_key) AS patients,
       CASE WHEN bool_and(cost_nok IS NOT NULL) THEN sum(cost_nok) END AS cost_nok
       FROM fact GROUP BY label, period)`,
    `grid AS (SELECT t.label, min(t.ord) AS ord, b.period FROM target t CROSS JOIN bucket b GROUP BY t.label, b.period)`,
  ];
  if (isRate) {
    ctes.push(
      `exposure_stratum AS (SELECT t.label, b.period, p.sex, age_group(p.age) AS age_group, sum(p.person_years) AS person_years
         FROM person_years($first_month::DATE, $last_month::DATE) p
         JOIN target t ON t.key = p.municipality_code
         JOIN bucket b ON b.month = p.month
         WHERE p.age BETWEEN $age_low AND $age_high AND ($sex = 'all' OR p.sex = $sex)
         GROUP BY ALL)`,
      `exposure AS (SELECT label, period, sum(person_years) AS person_years FROM exposure_stratum GROUP BY ALL)`,
    );
  }
  const standardise = isRate && shape.standardYear !== null;
  if (standardise) {
    // Weights of the standard population restricted to the same ages and sexes as the query; strata
    // where the target has no person-years are left out and the weights renormalised.
    ctes.push(
      `weight AS (SELECT sex, age_group, sum(persons) AS persons FROM standard_population($standard_year)
         WHERE age BETWEEN $age_low AND $age_high AND ($sex = 'all' OR sex = $sex) GROUP BY ALL)`,
      `fact_stratum AS (SELECT label, period, sex, age_group(age) AS age_group, sum(numerator) AS numerator FROM fact GROUP BY ALL)`,
      `standardised AS (SELECT e.label, e.period,
         1000 * sum(w.persons * coalesce(f.numerator, 0) / e.person_years) / sum(w.persons) AS standardised,
         -- Var(DSR) = Σ wᵢ² · dᵢ / nᵢ² with normalised weights wᵢ (Poisson counts dᵢ over person-years nᵢ), per 1000².
         1000000 * sum(w.persons * w.persons * coalesce(f.numerator, 0) / (e.person_years * e.person_years))
           / (sum(w.persons) * sum(w.persons)) AS standardised_variance
         FROM exposure_stratum e
         JOIN weight w ON w.sex = e.sex AND w.age_group = e.age_group
         LEFT JOIN fact_stratum f ON f.label = e.label AND f.period = e.period AND f.sex = e.sex AND f.age_group = e.age_group
         WHERE e.person_years > 0 AND w.persons > 0
         GROUP BY e.label, e.period)`,
    );
  }
  const sql = `WITH ${ctes.join(',\n')}
SELECT g.label, g.period,
       coalesce(c.numerator, 0)::DOUBLE AS numerator,
       coalesce(c.denominator, 0)::DOUBLE AS denominator,
       ${isRate ? 'e.person_years' : 'NULL::DOUBLE'} AS person_years,
       ${standardise ? 's.standardised' : 'NULL::DOUBLE'} AS standardised,
       ${standardise ? 's.standardised_variance' : 'NULL::DOUBLE'} AS standardised_variance,
       coalesce(c.stays, 0)::DOUBLE AS stays,
       coalesce(c.patients, 0)::DOUBLE AS patients,
       CASE WHEN c.label IS NULL THEN 0 ELSE c.cost_nok END AS cost_nok
FROM grid g
LEFT JOIN counted c ON c.label = g.label AND c.period = g.period
${isRate ? 'LEFT JOIN exposure e ON e.label = g.label AND e.period = g.period' : ''}
${standardise ? 'LEFT JOIN standardised s ON s.label = g.label AND s.period = g.period' : ''}
ORDER BY g.ord, g.period`;
  return { sql, parameters };
}
