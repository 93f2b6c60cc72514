-- Discharge-ready days (overliggerdøgn): for each hospital stay with a ready-for-discharge time U,
-- every night from the date of U (inclusive: payment runs from and including the day the patient
-- is declared ready) up to the date of discharge (exclusive), or for stays still open up to the date
-- of their own hospital's data through (hospital_source_data_through: a lagging extract adds no
-- nights beyond its own date). Each night belongs to its own date, so a wait across a month or a
-- New Year is split between the months. numerator = discharge-ready days in the period, denominator =
-- person-years, value per 1000 inhabitants per year. Also: stays and patients with at least one
-- such night in the period, and cost = Σ nights × the daily rate of the night's year (unknown when
-- any night's year has no rate).
--
-- nb: Utskrivningsklare døgn (overliggerdøgn): for hvert sykehusopphold der pasienten er meldt
-- utskrivningsklar, telles hvert døgn fra og med dagen pasienten ble meldt utskrivningsklar
-- (kommunen betaler fra og med den dagen) og fram til utskrivningsdagen, eller for opphold som ikke er
-- avsluttet fram til datoen dataene fra eget behandlingssted går til. Hvert døgn hører til sin egen
-- dato, så en ventetid over et månedsskifte eller et nyttår deles mellom månedene. Tallet er utskrivningsklare
-- døgn per 1000 innbyggere per år. I tillegg vises antall opphold og pasienter med minst ett slikt
-- døgn i perioden, og kostnaden: døgn × døgnprisen for døgnets år (ukjent når et år mangler
-- døgnpris).
CREATE OR REPLACE VIEW discharge_ready_day AS
WITH night AS (
  SELECT s.hospital, s.stay_id, s.patient_id, s.municipality_code, s.age, s.sex, s.service_area,
         s.ready_for_discharge, s.discharged,
         unnest(generate_series(s.ready_for_discharge::DATE,
                                coalesce(s.discharged::DATE, source.data_through::DATE) - 1,
                                INTERVAL 1 DAY))::DATE AS night
  FROM hospital_stay s JOIN hospital_source_data_through source ON source.source = s.hospital
  WHERE s.ready_for_discharge IS NOT NULL
)
SELECT night.*, date_trunc('month', night)::DATE AS month, r.rate_nok::DOUBLE AS rate_nok
FROM night LEFT JOIN discharge_ready_daily_rate r ON r.year = year(night.night);
COMMENT ON VIEW discharge_ready_day IS 'One row per discharge-ready night (overliggerdøgn) of a hospital stay, with the daily rate of the night''s year (NULL = no rate).';

CREATE OR REPLACE MACRO discharge_ready_days_facts(area) AS TABLE
SELECT municipality_code, NULL::VARCHAR AS unit, month, age, sex,
       1::DOUBLE AS numerator, NULL::DOUBLE AS denominator,
       hospital || chr(31) || stay_id AS stay_key, patient_id AS patient_key, rate_nok AS cost_nok
FROM discharge_ready_day
WHERE area = 'all' OR service_area = area;
COMMENT ON MACRO TABLE discharge_ready_days_facts IS 'discharge_ready_days_facts(area): one row per discharge-ready night with stay, patient and the night''s rate.';
