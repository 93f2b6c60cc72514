-- Population and person-years. Population = residents on 1 January of the year (SSB). Rows delivered
-- as age bands (67-79, 90+) are spread evenly over their single ages, so an age filter that cuts a
-- band takes the matching fraction of it (90+ is stored as 90-120). For a period, person-years =
-- Σ over the years it touches of population(year) × (days of the period in that year ÷ days in that
-- year); it is computed month by month, so February 2024 gives population(2024) × 29 ÷ 366. A year
-- with no population in the database uses the nearest year that has one (the earlier one on a tie).
-- Rows delivered under old codes are kept as delivered and summed under the current code by every
-- query (a later file for the same current municipality and year replaces them). Only registered population is
-- stored (the importer refuses years after the import's year: projections are not denominators).
-- Direct age–sex standardisation uses a fixed, named standard population shipped with the project
-- (api/metrics/reference/standard-populations.csv), never one derived from the imported years:
-- esp2013 = European Standard Population 2013 (Eurostat, 100 000 per sex) in strata by sex and
-- 5-year age group 0–4 … 85–89, 90+ (the default); esp2013-broad = the same weights in strata 0–66,
-- 67–79, 80+ for small municipalities. The weights are the standard restricted to the query's age and
-- sex filter, the same for every municipality; a stratum where a municipality has no residents counts
-- as rate 0 with its full weight (never renormalised per municipality).
CREATE OR REPLACE VIEW population_single_age AS
SELECT municipality_code, year, sex,
       unnest(range(age_from::INTEGER, age_to::INTEGER + 1)) AS age,
       count::DOUBLE / (age_to - age_from + 1) AS persons
FROM population;
COMMENT ON VIEW population_single_age IS 'Residents on 1 January by current municipality, year, sex and single age; age bands are spread evenly over their ages. Rows delivered under old codes stay separate rows (sum persons by municipality_code to get the current municipality).';

CREATE OR REPLACE MACRO age_group(age) AS least(age // 5 * 5, 90);
COMMENT ON MACRO age_group IS 'First age of the 5-year standardisation group (0, 5, …, 85, 90 = 90+).';

CREATE OR REPLACE MACRO person_years(first_month, last_month) AS TABLE
WITH month AS (
  SELECT m::DATE AS month, year(m) AS year, day(last_day(m)) AS days_in_month,
         dayofyear(make_date(year(m), 12, 31)) AS days_in_year
  FROM range(first_month::DATE, last_month::DATE + INTERVAL 1 MONTH, INTERVAL 1 MONTH) r(m)
),
population_year AS (SELECT DISTINCT year FROM population),
month_year AS (
  SELECT month.*,
         (SELECT arg_min(p.year, abs(p.year - month.year) * 2 + (p.year > month.year)::INTEGER) FROM population_year p) AS population_year
  FROM month
)
SELECT p.municipality_code, m.month, p.sex, p.age,
       p.persons * m.days_in_month / m.days_in_year AS person_years
FROM month_year m JOIN population_single_age p ON p.year = m.population_year;
COMMENT ON MACRO TABLE person_years IS 'person_years(first_month, last_month): person-years by municipality, month, sex and single age = population(year) × days in month ÷ days in year.';

CREATE OR REPLACE MACRO standard_stratum(strata, age) AS
  CASE WHEN strata = 'broad' THEN (CASE WHEN age < 67 THEN 0 WHEN age < 80 THEN 67 ELSE 80 END) ELSE least(age // 5 * 5, 90) END;
COMMENT ON MACRO standard_stratum IS 'standard_stratum(strata, age): first age of the standardisation stratum: five-year 0, 5, …, 85, 90 (= 90+); broad 0 (0–66), 67 (67–79), 80 (80+).';

CREATE OR REPLACE MACRO standard_population(standard) AS TABLE
SELECT sex, age, standard_stratum(strata, age) AS stratum, persons
FROM (SELECT sex, strata, unnest(range(age_from, age_to + 1)) AS age, persons::DOUBLE / (age_to - age_from + 1) AS persons
      FROM standard_population_reference WHERE standard_id = standard);
COMMENT ON MACRO TABLE standard_population IS 'standard_population(standard): the fixed standard population esp2013 or esp2013-broad by sex and single age 0–120 (bands spread evenly), with its stratum; the weights of direct age–sex standardisation.';
