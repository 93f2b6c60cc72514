// Example queries that answer real questions with the analyst views and macros (the same SQL the
// dashboards use). tests/sql/examples.test.ts runs each one through the sandbox on a real warehouse.

export interface ExampleQuery {
  id: string;
  title: { nb: string; en: string };
  sql: string;
}

export const exampleQueries: ExampleQuery[] = [
  {
    id: 'readmissions-by-diagnosis-group',
    title: { nb: 'Reinnleggelser innen 30 dager per diagnosegruppe (67+)', en: '30-day readmissions by diagnosis group (67+)' },
    sql: `-- 30-day readmissions of patients 67+ by diagnosis group of the index episode
-- (somatic care, index episodes with complete follow-up, as in the dashboard).
SELECT g.group_id AS diagnosis_group,
       count(*) AS index_episodes,
       count(*) FILTER (WHERE r.readmitted) AS readmitted,
       round(100.0 * count(*) FILTER (WHERE r.readmitted) / count(*), 1) AS percent
FROM readmission_index('somatikk') r
JOIN diagnosis_group_code g
  ON left(r.main_diagnosis, length(g.code_from)) BETWEEN g.code_from AND g.code_to
WHERE r.follow_up_complete AND r.age >= 67
GROUP BY ALL
ORDER BY percent DESC`,
  },
  {
    id: 'discharge-ready-cost-per-municipality',
    title: { nb: 'Utskrivningsklare døgn og kostnad per kommune i år', en: 'Discharge-ready days and cost per municipality this year' },
    sql: `-- Discharge-ready nights (overliggerdøgn), patients and what the municipality pays,
-- for the latest year with data ("this year").
SELECT d.municipality_code,
       m.name AS municipality,
       count(*) AS discharge_ready_days,
       count(DISTINCT d.patient_id) AS patients,
       sum(d.rate_nok) AS cost_nok
FROM discharge_ready_day d
JOIN municipality m ON m.code = d.municipality_code
WHERE year(d.night) = (SELECT year(hospital_data_through) FROM data_through)
GROUP BY ALL
ORDER BY cost_nok DESC NULLS LAST`,
  },
  {
    id: 'kad-occupancy-by-weekday',
    title: { nb: 'KAD-belegg per ukedag', en: 'KAD occupancy by weekday' },
    sql: `-- Occupied KAD beds as a share of available beds, by weekday (1 = Monday).
WITH occupied AS (
  SELECT unit, night AS day, count(*) AS patients
  FROM kad_bed_day
  GROUP BY ALL
)
SELECT isodow(u.day) AS weekday,
       dayname(u.day) AS weekday_name,
       sum(coalesce(o.patients, 0)) AS bed_days,
       sum(u.beds) AS available_beds,
       round(100.0 * sum(coalesce(o.patients, 0)) / sum(u.beds), 1) AS occupancy_percent
FROM kad_unit_day u
LEFT JOIN occupied o USING (unit, day)
GROUP BY ALL
ORDER BY weekday`,
  },
  {
    id: 'acute-admissions-per-month',
    title: { nb: 'Akuttinnleggelser per måned', en: 'Acute admissions per month' },
    sql: `-- Acute episodes per month of admission, all municipalities together.
SELECT month, count(*) AS acute_admissions
FROM acute_admissions_facts('somatikk')
GROUP BY month
ORDER BY month`,
  },
];
