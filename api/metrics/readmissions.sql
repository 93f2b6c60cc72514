-- 30-day readmissions (crude rate; the national indicator is risk-adjusted). Index episode: an
-- episode discharged in the period, discharged alive (discharged_to is not dod), in the age filter
-- (default 67+) and with a complete 30-day follow-up: discharge + 30 days ≤ the data through of
-- every hospital (hospital_complete_through: the readmission may come at any of them).
-- Readmitted: the same patient has another acute episode admitted after the index discharge and no
-- more than 30 × 24 hours after it (the 8-hour merge already separates transfers). Planned episodes
-- are never readmissions. numerator = readmitted index episodes, denominator = index episodes,
-- value = % with a 95 % Wilson interval. Attributed to the index episode's municipality and the month
-- of its discharge. Diagnosis groups filter on the main diagnosis of the index episode's first stay.
-- Episodes are built from the stays of the chosen service area (default somatikk).
--
-- nb: Reinnleggelser innen 30 dager (rå andel; den nasjonale indikatoren er
-- risikojustert). Et indeksopphold er et sykehusopphold (overføringer mellom sykehus innen 8 timer
-- regnes som ett opphold) med utskrivning i perioden, der pasienten ble skrevet ut i live, er i
-- valgt aldersgruppe (standard 67 år og eldre) og kan følges i hele 30 dager etter utskrivning i
-- dataene fra alle behandlingssteder.
-- Reinnlagt betyr at samme pasient ble lagt inn akutt på nytt innen 30 døgn etter utskrivning;
-- planlagte innleggelser teller aldri. Tallet er andelen reinnlagte av indeksoppholdene, i prosent
-- med 95 % konfidensintervall (Wilson), i pasientens bostedskommune og utskrivningsmåned.
-- Diagnosegruppe velges etter hoveddiagnosen ved indeksoppholdet. Standard tjenesteområde er
-- somatikk.
CREATE OR REPLACE MACRO readmission_index_from_episodes(area) AS TABLE
WITH e AS (
  -- The admission of the patient's next acute episode (episodes do not overlap, so in order of
  -- admission; (patient_id, admitted) is unique, stays admitted at the same time being one episode).
  SELECT *, lead(CASE WHEN acute THEN admitted END IGNORE NULLS) OVER (PARTITION BY patient_id ORDER BY admitted)
              AS next_acute_admission
  FROM episodes(area)
)
SELECT patient_id, admitted, discharged,
       date_trunc('month', discharged)::DATE AS month,
       municipality_code, age, sex, main_diagnosis, service_area, acute, next_acute_admission, record_key,
       -- follow_up_days('readmissions') = 30: the catalogue's rule (contract/metrics.ts), read by the web too.
       coalesce(next_acute_admission <= discharged + to_days(follow_up_days('readmissions')), false) AS readmitted,
       discharged + to_days(follow_up_days('readmissions')) <= (SELECT hospital_complete_through FROM data_through) AS follow_up_complete
FROM e
WHERE discharged IS NOT NULL AND coalesce(discharged_to, '') <> 'dod';
COMMENT ON MACRO TABLE readmission_index_from_episodes IS 'readmission_index_from_episodes(area): computes readmission_index(area) from episodes(area).';

-- Materialised like the episodes (refreshDerived()).
CREATE TABLE IF NOT EXISTS derived_readmission_index AS
SELECT 'all'::VARCHAR AS episode_area, * FROM readmission_index_from_episodes('all') LIMIT 0;
COMMENT ON TABLE derived_readmission_index IS 'readmission_index_from_episodes(area) for every service area, rebuilt after each import.';

CREATE OR REPLACE MACRO readmission_index(area) AS TABLE
SELECT * EXCLUDE (episode_area) FROM derived_readmission_index WHERE episode_area = area;
COMMENT ON MACRO TABLE readmission_index IS 'readmission_index(area): every episode discharged alive, with readmitted (acute episode within 30 × 24 h) and follow_up_complete (discharge + 30 days ≤ every hospital''s data through). Index episodes are those with follow_up_complete.';

CREATE OR REPLACE MACRO readmissions_facts(area, diagnosis_group) AS TABLE
SELECT municipality_code, NULL::VARCHAR AS unit, month, age, sex,
       readmitted::INTEGER::DOUBLE AS numerator, 1::DOUBLE AS denominator,
       NULL::VARCHAR AS stay_key, NULL::VARCHAR AS patient_key, NULL::DOUBLE AS cost_nok,
       record_key, NULL::UBIGINT AS nights_key, NULL::UBIGINT AS patient_record_key
FROM readmission_index(area)
WHERE follow_up_complete AND in_diagnosis_group(main_diagnosis, diagnosis_group);
COMMENT ON MACRO TABLE readmissions_facts IS 'readmissions_facts(area, group): one row per index episode, numerator 1 if readmitted, denominator 1.';
