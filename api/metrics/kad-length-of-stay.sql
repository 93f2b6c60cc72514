-- KAD length of stay: mean nights per KAD stay discharged in the period (nights = date(discharged) −
-- date(admitted); a same-day stay has 0 nights and counts as a stay), by residence municipality and
-- month of discharge. numerator = nights of those stays, denominator = stays. Guideline: ≤ 3.
--
-- nb: Liggetid i KAD: gjennomsnittlig antall døgn per KAD-opphold som ble avsluttet i perioden
-- (døgn = utskrivningsdato − innleggelsesdato; et opphold som avsluttes samme dag har 0 døgn og
-- teller som opphold), etter bostedskommune og utskrivningsmåned. Veiledende mål: høyst 3 døgn.
CREATE OR REPLACE MACRO kad_length_of_stay_facts() AS TABLE
SELECT s.municipality_code, s.unit, date_trunc('month', s.discharged)::DATE AS month, s.age, s.sex,
       date_diff('day', s.admitted::DATE, s.discharged::DATE)::DOUBLE AS numerator, 1::DOUBLE AS denominator,
       NULL::VARCHAR AS stay_key, NULL::VARCHAR AS patient_key, NULL::DOUBLE AS cost_nok,
       k.record_key, k.nights_key, NULL::UBIGINT AS patient_record_key
FROM kad_stay s
LEFT JOIN derived_kad_stay_key k ON k.unit = s.unit AND k.stay_id = s.stay_id
WHERE s.discharged IS NOT NULL;
COMMENT ON MACRO TABLE kad_length_of_stay_facts IS 'kad_length_of_stay_facts(): one row per discharged KAD stay with its nights.';
