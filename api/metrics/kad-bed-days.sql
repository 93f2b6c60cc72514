-- KAD bed-days: the nights of KAD stays in the period — each calendar date d with
-- date(admitted) ≤ d < date(discharged), attributed to d (a same-day stay has 0 nights; stays still
-- open count up to the KAD data-through date) — by residence municipality; value per 1000
-- inhabitants per year.
--
-- nb: KAD-liggedøgn: døgnene i kommunale akutte døgnplasser i perioden. Hver dato fra og med
-- innleggelsesdagen og fram til utskrivningsdagen telles på sin dato (et opphold som avsluttes
-- samme dag har 0 døgn; åpne opphold telles fram til datoen KAD-dataene går til), etter pasientens
-- bostedskommune; per 1000 innbyggere per år.
CREATE OR REPLACE VIEW kad_bed_day AS
SELECT unit, stay_id, patient_id, municipality_code, age, sex, admitted, discharged, night,
       date_trunc('month', night)::DATE AS month
FROM (
  SELECT *, unnest(generate_series(admitted::DATE,
                                   coalesce(discharged::DATE, (SELECT kad_data_through::DATE FROM data_through)) - 1,
                                   INTERVAL 1 DAY))::DATE AS night
  FROM kad_stay
);
COMMENT ON VIEW kad_bed_day IS 'One row per night (bed-day) of a KAD stay: dates d with date(admitted) ≤ d < date(discharged).';

CREATE OR REPLACE MACRO kad_bed_days_facts() AS TABLE
SELECT d.municipality_code, d.unit, d.month, d.age, d.sex,
       1::DOUBLE AS numerator, NULL::DOUBLE AS denominator,
       NULL::VARCHAR AS stay_key, NULL::VARCHAR AS patient_key, NULL::DOUBLE AS cost_nok,
       k.record_key, k.nights_key, NULL::UBIGINT AS patient_record_key
FROM kad_bed_day d
LEFT JOIN derived_kad_stay_key k ON k.unit = d.unit AND k.stay_id = d.stay_id;
COMMENT ON MACRO TABLE kad_bed_days_facts IS 'kad_bed_days_facts(): one row per KAD bed-day.';
