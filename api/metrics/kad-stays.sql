-- KAD stays: stays in municipal acute 24-hour units (KAD/ØHD) admitted in the period, by the
-- patient's residence municipality and the month of admission; value per 1000 inhabitants per year
-- (count × 1000 ÷ person-years).
--
-- nb: KAD-opphold: opphold i kommunale akutte døgnplasser (KAD/ØHD) med innleggelse i perioden,
-- etter pasientens bostedskommune og innleggelsesmåned; per 1000 innbyggere per år (antall × 1000 ÷
-- personår).
-- Record keys of KAD stays for protected figures (docs/disclosure-control.md): the stay's key and its
-- nights' key, computed from a secret kept outside the warehouse whenever the derived tables are
-- rebuilt (api/metrics/derived.ts). Read by every KAD metric.
CREATE TABLE IF NOT EXISTS derived_kad_stay_key (
  unit VARCHAR NOT NULL, stay_id VARCHAR NOT NULL, record_key UBIGINT NOT NULL, nights_key UBIGINT NOT NULL);
COMMENT ON TABLE derived_kad_stay_key IS 'Record keys (protected figures) of KAD stays: the stay and its nights; rebuilt after each import.';

CREATE OR REPLACE MACRO kad_stays_facts() AS TABLE
SELECT s.municipality_code, s.unit, date_trunc('month', s.admitted)::DATE AS month, s.age, s.sex,
       1::DOUBLE AS numerator, NULL::DOUBLE AS denominator,
       NULL::VARCHAR AS stay_key, NULL::VARCHAR AS patient_key, NULL::DOUBLE AS cost_nok,
       k.record_key, NULL::UBIGINT AS nights_key, NULL::UBIGINT AS patient_record_key
FROM kad_stay s
LEFT JOIN derived_kad_stay_key k ON k.unit = s.unit AND k.stay_id = s.stay_id;
COMMENT ON MACRO TABLE kad_stays_facts IS 'kad_stays_facts(): one row per KAD stay, attributed to its admission month.';
