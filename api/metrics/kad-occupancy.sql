-- KAD occupancy, per unit: bed-days × 100 ÷ bed capacity, where bed-days are the nights of the
-- unit's stays in the period and the capacity is Σ over the days of the period of the beds valid on
-- that day (a bed count that changes mid-month counts each day with its own beds). A bed count
-- without an end date is valid up to the day before the KAD data-through date; when two rows of a
-- unit overlap, the one that started last applies.
--
-- nb: Belegg i KAD-enheten: liggedøgn × 100 ÷ sengekapasitet. Liggedøgn er døgnene til enhetens
-- opphold i perioden; kapasiteten er summen over periodens dager av sengene som gjaldt den dagen
-- (endres sengetallet midt i måneden, teller hver dag med sitt sengetall). Et sengetall uten
-- sluttdato gjelder fram til dagen før datoen KAD-dataene går til; overlapper to rader for samme
-- enhet, gjelder den som startet sist.
CREATE OR REPLACE VIEW kad_unit_day AS
SELECT unit, day, date_trunc('month', day)::DATE AS month, arg_max(beds, valid_from) AS beds
FROM (
  SELECT unit, beds, valid_from,
         unnest(generate_series(valid_from,
                                coalesce(valid_to, (SELECT coalesce(kad_data_through::DATE, current_date) FROM data_through) - 1),
                                INTERVAL 1 DAY))::DATE AS day
  FROM kad_unit
)
GROUP BY unit, day;
COMMENT ON VIEW kad_unit_day IS 'One row per KAD unit per day with the beds valid that day.';

CREATE OR REPLACE MACRO kad_occupancy_facts() AS TABLE
SELECT NULL::VARCHAR AS municipality_code, d.unit, d.month, d.night AS day, NULL::SMALLINT AS age, NULL::VARCHAR AS sex,
       1::DOUBLE AS numerator, 0::DOUBLE AS denominator,
       NULL::VARCHAR AS stay_key, NULL::VARCHAR AS patient_key, NULL::DOUBLE AS cost_nok,
       k.record_key, k.nights_key, NULL::UBIGINT AS patient_record_key
FROM kad_bed_day d
LEFT JOIN derived_kad_stay_key k ON k.unit = d.unit AND k.stay_id = d.stay_id
UNION ALL
SELECT NULL, unit, month, day, NULL, NULL, 0, beds, NULL, NULL, NULL, NULL, NULL, NULL
FROM kad_unit_day;
COMMENT ON MACRO TABLE kad_occupancy_facts IS 'kad_occupancy_facts(): per unit, one row per bed-day (numerator) and one per unit day with its beds (denominator); day allows by=day.';
