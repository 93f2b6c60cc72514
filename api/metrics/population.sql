-- Population and person-years. Population = residents on 1 January of the year (SSB). Rows delivered
-- as age bands (67-79, 90+) are spread evenly over their single ages, so an age filter that cuts a
-- band takes the matching fraction of it (90+ is stored as 90-120). For a period, person-years =
-- Σ over the years it touches of population(year) × (days of the period in that year ÷ days in that
-- year); it is computed month by month, so February 2024 gives population(2024) × 29 ÷ 366. A year
-- with no population in the database uses the nearest year that has one (the earlier one on a tie).
-- Age groups for direct standardisation are 5-year groups 0–4 … 85–89 and 90+.
CREATE OR REPLACE VIEW population_single_age AS
SELECT municipality_code, year, sex,
       unnest(range(age_from::INTEGER, age_to::INTEGER + 1)) AS age,
       count::DOUBLE / (age_to - age_from + 1) AS persons
FROM population;
COMMENT ON VIEW population_single_age IS 'Residents on 1 January by current municipality, year, sex and single age; age bands are spread evenly over their ages.';

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

CREATE OR REPLACE MACRO standard_population(standard_year) AS TABLE
SELECT sex, age, age_group(age) AS age_group, sum(persons) AS persons
FROM population_single_age WHERE year = standard_year
GROUP BY ALL;
COMMENT ON MACRO TABLE standard_population IS 'standard_population(year): all municipalities in the database in that year by sex and single age, with the 5-year group; the standard for direct age–sex standardisation.';
