-- Acute hospital admissions: acute episodes (at least one acute stay, 8-hour merge across
-- hospitals) admitted in the period, by the episode's municipality and the month of its admission;
-- value per 1000 inhabitants per year (count × 1000 ÷ person-years). Together with kad-stays it
-- shows whether municipal acute beds replace hospital admissions.
--
-- nb: Akutte innleggelser på sykehus: sykehusopphold med minst én akutt innleggelse (overføringer
-- mellom sykehus innen 8 timer regnes som ett opphold) med innleggelse i perioden, etter pasientens
-- bostedskommune og innleggelsesmåned; per 1000 innbyggere per år (antall × 1000 ÷ personår).
-- Sammen med KAD-opphold viser tallet om kommunale akutte døgnplasser erstatter
-- sykehusinnleggelser.
CREATE OR REPLACE MACRO acute_admissions_facts(area) AS TABLE
SELECT municipality_code, NULL::VARCHAR AS unit, date_trunc('month', admitted)::DATE AS month, age, sex,
       1::DOUBLE AS numerator, NULL::DOUBLE AS denominator,
       NULL::VARCHAR AS stay_key, NULL::VARCHAR AS patient_key, NULL::DOUBLE AS cost_nok,
       record_key, NULL::UBIGINT AS nights_key, NULL::UBIGINT AS patient_record_key
FROM episodes(area)
WHERE acute;
COMMENT ON MACRO TABLE acute_admissions_facts IS 'acute_admissions_facts(area): one row per acute episode, attributed to its admission month.';
