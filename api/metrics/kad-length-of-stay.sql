-- KAD length of stay: mean nights per KAD stay discharged in the period (nights = date(discharged) −
-- date(admitted); a same-day stay has 0 nights and counts as a stay), by residence municipality and
-- month of discharge. numerator = nights of those stays, denominator = stays. Guideline: ≤ 3.
--
-- nb: Liggetid i KAD: gjennomsnittlig antall døgn per KAD-opphold som ble avsluttet i perioden
-- (døgn = utskrivningsdato − innleggelsesdato; et opphold som avsluttes samme dag har 0 døgn og
-- teller som opphold), etter bostedskommune og utskrivningsmåned. Veiledende mål: høyst 3 døgn.
CREATE OR REPLACE MACRO kad_length_of_stay_facts() AS TABLE
SELECT municipality_code, unit, date_trunc('month', discharged)::DATE AS month, age, sex,
       date_diff('day', admitted::DATE, discharged::DATE)::DOUBLE AS numerator, 1::DOUBLE AS denominator,
       NULL::VARCHAR AS stay_key, NULL::VARCHAR AS patient_key, NULL::DOUBLE AS cost_nok
FROM kad_stay
WHERE discharged IS NOT NULL;
COMMENT ON MACRO TABLE kad_length_of_stay_facts IS 'kad_length_of_stay_facts(): one row per discharged KAD stay with its nights.';
