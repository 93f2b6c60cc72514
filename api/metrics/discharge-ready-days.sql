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

-- Record keys of the stays with a ready-for-discharge time, for protected figures
-- (docs/disclosure-control.md): the stay's key, its nights' key and its patient's key, computed from a
-- secret kept outside the warehouse whenever the derived tables are rebuilt (api/metrics/derived.ts).
CREATE TABLE IF NOT EXISTS derived_hospital_stay_key (
  hospital VARCHAR NOT NULL, stay_id VARCHAR NOT NULL,
  record_key UBIGINT NOT NULL, nights_key UBIGINT NOT NULL, patient_record_key UBIGINT NOT NULL);
COMMENT ON TABLE derived_hospital_stay_key IS 'Record keys (protected figures) of hospital stays with a ready-for-discharge time: stay, its nights, its patient; rebuilt after each import.';

CREATE OR REPLACE MACRO discharge_ready_days_facts(area) AS TABLE
SELECT d.municipality_code, NULL::VARCHAR AS unit, d.month, d.age, d.sex,
       1::DOUBLE AS numerator, NULL::DOUBLE AS denominator,
       d.hospital || chr(31) || d.stay_id AS stay_key, d.patient_id AS patient_key, d.rate_nok AS cost_nok,
       k.record_key, k.nights_key, k.patient_record_key
FROM discharge_ready_day d
LEFT JOIN derived_hospital_stay_key k ON k.hospital = d.hospital AND k.stay_id = d.stay_id
WHERE area = 'all' OR d.service_area = area;
COMMENT ON MACRO TABLE discharge_ready_days_facts IS 'discharge_ready_days_facts(area): one row per discharge-ready night with stay, patient and the night''s rate.';
