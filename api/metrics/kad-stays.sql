-- KAD stays: stays in municipal acute 24-hour units (KAD/ØHD) admitted in the period, by the
-- patient's residence municipality and the month of admission; value per 1000 inhabitants per year
-- (count × 1000 ÷ person-years).
--
-- nb: KAD-opphold: opphold i kommunale akutte døgnplasser (KAD/ØHD) med innleggelse i perioden,
-- etter pasientens bostedskommune og innleggelsesmåned; per 1000 innbyggere per år (antall × 1000 ÷
-- personår).
CREATE OR REPLACE MACRO kad_stays_facts() AS TABLE
SELECT municipality_code, unit, date_trunc('month', admitted)::DATE AS month, age, sex,
       1::DOUBLE AS numerator, NULL::DOUBLE AS denominator,
       NULL::VARCHAR AS stay_key, NULL::VARCHAR AS patient_key, NULL::DOUBLE AS cost_nok
FROM kad_stay;
COMMENT ON MACRO TABLE kad_stays_facts IS 'kad_stays_facts(): one row per KAD stay, attributed to its admission month.';
