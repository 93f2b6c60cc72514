// The one statement behind a projection (issue 13): the metric's events (or nights) of the base period
// per municipality × sex × broad age band — the base cells of disclosure control, so a protected
// projection sums perturbed cells exactly as every other protected figure does (the engine's own fact
// CTEs: api/metrics/query-sql.ts factCtesOf) — over person-years of the same strata gives each
// municipality's stratum rates; a municipality with too few events takes its collaboration's pooled
// rates, or every municipality's; the rates × registered population of the base year (the "today"
// row) and × SSB's projected population of every projection year give the expected events per
// municipality, alternative and year. Collaborations, the annual change, beds and cost are arithmetic
// on these rows (engine.ts).
import { baseAgeBands, type MetricDeclaration } from '../../contract/types.ts';
import { cellKeySql } from '../disclosure/cell-key.ts';
import { publishedCountSql } from '../metrics/protected-facts.ts';
import { factCtesOf, type Target } from '../metrics/query-sql.ts';
import { parseAge } from '../metrics/targets.ts';

export interface ProjectionShape {
  spec: MetricDeclaration;
  /** Every current municipality: the pooled rates need all of them. */
  municipalities: string[];
  /** The municipalities whose rows are wanted (members of asked-for collaborations included). */
  wanted: string[];
  base: { from: number; to: number };
  /** The "today" row's year: the base period's last year with registered population. */
  baseYear: number;
  /** The metric's age range (its catalogue default: a union of broad bands). */
  ageLow: number;
  ageHigh: number;
  area: string;
  group: string;
  /** Also project distinct patients per year with an episode whose main diagnosis is in `group`. */
  groupPatients: boolean;
  vintage: string | null;
  alternatives: string[];
  /** A municipality's own rates need at least this many events (nights) in the base period. */
  ownThreshold: number;
  protect: boolean;
}

type Parameters = Record<string, string | number>;

/** The broad bands (0–66, 67–79, 80+) inside the metric's age range, as (band, first age, last age). */
export function bandsWithin(ageLow: number, ageHigh: number): [number, number, number][] {
  return baseAgeBands
    .map((band) => parseAge(band))
    .filter(([low, high]) => low >= ageLow && high <= ageHigh)
    .map(([low, high]) => [low, low, Math.min(high, 120)]);
}

/**
 * Columns: municipality, alternative, year, rate_source ('own' | 'collaboration' | 'all'),
 * population (persons in the metric's ages), demography (expected events or nights per year),
 * denominator_demography (shares: the expected denominator, e.g. readmission index episodes),
 * patients_demography (groupPatients: expected distinct patients per year with an episode in the group).
 * One row per wanted municipality ×
 * alternative × year (base year and every projection year of the vintage), zeros where nobody lives.
 */
export function buildProjectionQuery(shape: ProjectionShape): { sql: string; parameters: Parameters } {
  const targets: Target[] = shape.municipalities.map((code) => ({ label: code, key: code }));
  const { ctes, parameters } = factCtesOf({
    spec: shape.spec,
    targets,
    firstMonth: `${shape.base.from}-01-01`,
    lastMonth: `${shape.base.to}-12-01`,
    by: 'total',
    ageLow: shape.ageLow,
    ageHigh: shape.ageHigh,
    sex: 'all',
    area: shape.area,
    group: shape.group,
    standard: null,
    protect: shape.protect,
  });
  Object.assign(parameters, { base_year: shape.baseYear, vintage: shape.vintage ?? '', own_threshold: shape.ownThreshold });
  const list = (name: string, values: string[]) =>
    values.map((value, i) => {
      parameters[`${name}_${i}`] = value;
      return `($${name}_${i}::VARCHAR)`;
    });
  const bands = bandsWithin(shape.ageLow, shape.ageHigh).map(([band, low, high]) => `(${band}, ${low}, ${high})`);
  // Exact facts carry single ages; protected cells carry their band already.
  const band = shape.protect ? 'stratum' : `standard_stratum('broad', age)`;
  const groupPatients = groupPatientCtes(shape, parameters);
  const alternatives = list('alternative', shape.alternatives.length > 0 ? shape.alternatives : ['']);
  const sql = `WITH ${ctes.join(',\n')},
wanted(municipality) AS (SELECT * FROM (VALUES ${list('wanted', shape.wanted).join(', ')})),
asked_alternative(alternative) AS (SELECT * FROM (VALUES ${alternatives.join(', ')})),
${groupPatients},
stratum(sex, band, band_low, band_high) AS (SELECT s.sex, b.* FROM (VALUES ('M'), ('K')) s(sex), (VALUES ${bands.join(', ')}) b(band, band_low, band_high)),
counted AS (SELECT label AS municipality, sex, ${band}::INTEGER AS band, sum(numerator) AS events, coalesce(sum(denominator), 0) AS denominator_events
  FROM fact GROUP BY ALL),
exposure AS (SELECT municipality_code AS municipality, sex, standard_stratum('broad', age)::INTEGER AS band, fsum(person_years) AS person_years
  FROM person_years($first_month::DATE, $last_month::DATE) WHERE age BETWEEN $age_low AND $age_high GROUP BY ALL),
own AS (SELECT t.key AS municipality, s.sex, s.band, coalesce(c.events, 0) AS events,
    coalesce(c.denominator_events, 0) AS denominator_events, coalesce(gp.patients, 0) AS patients, coalesce(e.person_years, 0) AS person_years
  FROM target t CROSS JOIN stratum s
  LEFT JOIN counted c ON c.municipality = t.key AND c.sex = s.sex AND c.band = s.band
  LEFT JOIN group_patients gp ON gp.municipality = t.key AND gp.sex = s.sex AND gp.band = s.band
  LEFT JOIN exposure e ON e.municipality = t.key AND e.sex = s.sex AND e.band = s.band),
-- A municipality in several collaborations pools with the first by id.
home AS (SELECT municipality_code AS municipality, min(collaboration_id) AS collaboration FROM collaboration_member GROUP BY ALL),
pooled_collaboration AS (SELECT h.collaboration, o.sex, o.band, sum(o.events) AS events, sum(o.denominator_events) AS denominator_events,
    sum(o.patients) AS patients,
    fsum(o.person_years) AS person_years FROM own o JOIN home h USING (municipality) GROUP BY ALL),
pooled_all AS (SELECT sex, band, sum(events) AS events, sum(denominator_events) AS denominator_events, sum(patients) AS patients, fsum(person_years) AS person_years
  FROM own GROUP BY ALL),
collaboration_total AS (SELECT collaboration, sum(events) AS events FROM pooled_collaboration GROUP BY ALL),
source AS (SELECT o.municipality, h.collaboration, sum(o.events) AS own_events, any_value(ct.events) AS collaboration_events
  FROM own o LEFT JOIN home h USING (municipality) LEFT JOIN collaboration_total ct ON ct.collaboration = h.collaboration
  WHERE o.municipality IN (SELECT municipality FROM wanted) GROUP BY o.municipality, h.collaboration),
chosen AS (SELECT *, CASE WHEN own_events >= $own_threshold THEN 'own'
    WHEN coalesce(collaboration_events, 0) >= $own_threshold THEN 'collaboration' ELSE 'all' END AS rate_source FROM source),
rate AS (SELECT o.municipality, c.rate_source, o.sex, o.band,
    coalesce(CASE c.rate_source WHEN 'own' THEN o.events / nullif(o.person_years, 0)
      WHEN 'collaboration' THEN pc.events / nullif(pc.person_years, 0) ELSE pa.events / nullif(pa.person_years, 0) END, 0) AS rate,
    coalesce(CASE c.rate_source WHEN 'own' THEN o.denominator_events / nullif(o.person_years, 0)
      WHEN 'collaboration' THEN pc.denominator_events / nullif(pc.person_years, 0) ELSE pa.denominator_events / nullif(pa.person_years, 0) END, 0) AS denominator_rate,
    coalesce(CASE c.rate_source WHEN 'own' THEN o.patients / nullif(o.person_years, 0)
      WHEN 'collaboration' THEN pc.patients / nullif(pc.person_years, 0) ELSE pa.patients / nullif(pa.person_years, 0) END, 0) AS patient_rate
  FROM own o JOIN chosen c ON c.municipality = o.municipality
  LEFT JOIN pooled_collaboration pc ON pc.collaboration = c.collaboration AND pc.sex = o.sex AND pc.band = o.band
  JOIN pooled_all pa ON pa.sex = o.sex AND pa.band = o.band),
registered AS (SELECT p.municipality_code AS municipality, p.sex, standard_stratum('broad', p.age)::INTEGER AS band, fsum(p.persons) AS persons
  FROM population_single_age p WHERE p.year = $base_year AND p.age BETWEEN $age_low AND $age_high
    AND p.municipality_code IN (SELECT municipality FROM wanted) GROUP BY ALL),
-- A projection row's persons go to the bands its ages overlap, evenly (SSB's are single ages; 105+ is 105–120).
projected AS (SELECT p.municipality_code AS municipality, p.alternative, p.year, s.sex, s.band,
    fsum(p.count * (least(p.age_to, s.band_high) - greatest(p.age_from, s.band_low) + 1) / (p.age_to - p.age_from + 1)) AS persons
  FROM population_projection p JOIN stratum s ON s.sex = p.sex AND p.age_from <= s.band_high AND p.age_to >= s.band_low
  WHERE p.vintage = $vintage AND p.year > $base_year AND p.alternative IN (SELECT alternative FROM asked_alternative)
    AND p.municipality_code IN (SELECT municipality FROM wanted)
  GROUP BY ALL),
persons AS (SELECT r.municipality, a.alternative, $base_year::INTEGER AS year, r.sex, r.band, r.persons FROM registered r CROSS JOIN asked_alternative a
  UNION ALL SELECT * FROM projected),
expected AS (SELECT p.municipality, p.alternative, p.year, fsum(p.persons) AS population,
    fsum(p.persons * r.rate) AS demography, fsum(p.persons * r.denominator_rate) AS denominator_demography,
    fsum(p.persons * r.patient_rate) AS patients_demography
  FROM persons p JOIN rate r ON r.municipality = p.municipality AND r.sex = p.sex AND r.band = p.band GROUP BY ALL),
year_grid AS (SELECT $base_year::INTEGER AS year UNION SELECT DISTINCT year FROM population_projection
  WHERE vintage = $vintage AND year > $base_year AND alternative IN (SELECT alternative FROM asked_alternative))
SELECT w.municipality, a.alternative, y.year, c.rate_source,
  coalesce(e.population, 0)::DOUBLE AS population, coalesce(e.demography, 0)::DOUBLE AS demography,
  coalesce(e.denominator_demography, 0)::DOUBLE AS denominator_demography, coalesce(e.patients_demography, 0)::DOUBLE AS patients_demography
FROM wanted w CROSS JOIN asked_alternative a CROSS JOIN year_grid y
JOIN chosen c ON c.municipality = w.municipality
LEFT JOIN expected e ON e.municipality = w.municipality AND e.alternative = a.alternative AND e.year = y.year
ORDER BY w.municipality, a.alternative, y.year`;
  return { sql, parameters };
}

/**
 * `group_patients` (municipality, sex, band, patients): distinct patients per base year with at least one
 * episode (acute or planned, however it ended) of the metric's service area whose main diagnosis is in
 * the group, summed over the base years, so the rate is patients per person-year (a patient counted in
 * each year they have such an episode). A patient-year counts once, where and as what their first such
 * episode of the year was. Protected: each municipality × year × sex × band count is a base cell,
 * perturbed by its patients' keys (never a distinct count over the whole period, which could be
 * differenced against the yearly ones); the period's count is the sum of the published cells.
 */
function groupPatientCtes(shape: ProjectionShape, parameters: Parameters): string {
  if (!shape.groupPatients)
    return `group_patients(municipality, sex, band, patients) AS (SELECT NULL::VARCHAR, NULL::VARCHAR, NULL::INTEGER, 0::DOUBLE WHERE false)`;
  Object.assign(parameters, { patient_area: shape.area, patient_group: shape.group, base_from: shape.base.from, base_to: shape.base.to });
  const patients = shape.protect ? publishedCountSql('patients', 'patients_key') : 'patients';
  return `group_patient_year AS (SELECT patient_id, year(admitted) AS year, arg_min(municipality_code, admitted) AS municipality,
    arg_min(sex, admitted) AS sex, arg_min(age, admitted) AS age, any_value(patient_record_key) AS patient_record_key
  FROM episodes($patient_area::VARCHAR)
  WHERE year(admitted) BETWEEN $base_from AND $base_to AND in_diagnosis_group(main_diagnosis, $patient_group::VARCHAR)
  GROUP BY patient_id, year(admitted)),
group_patient_cell AS (SELECT municipality, year, sex, standard_stratum('broad', age)::INTEGER AS band,
    count(*) AS patients, ${cellKeySql('patient_record_key')} AS patients_key
  FROM group_patient_year WHERE age BETWEEN $age_low AND $age_high AND municipality IN (SELECT key FROM target) GROUP BY ALL),
group_patient_published AS (SELECT municipality, sex, band, ${patients}::DOUBLE AS patients FROM group_patient_cell),
group_patients AS (SELECT municipality, sex, band, sum(patients) AS patients FROM group_patient_published GROUP BY ALL)`;
}
