-- KAD transfer share: of the KAD stays discharged in the period, the share that went on to hospital
-- (discharged_to = sykehus), in %, with a 95 % Wilson interval; by residence municipality and month
-- of discharge. numerator = stays sent to hospital, denominator = stays discharged.
--
-- nb: Andel sendt videre til sykehus: av KAD-oppholdene som ble avsluttet i perioden, andelen som
-- ble sendt videre til sykehus, i prosent med 95 % konfidensintervall (Wilson), etter
-- bostedskommune og utskrivningsmåned.
CREATE OR REPLACE MACRO kad_transfer_share_facts() AS TABLE
SELECT s.municipality_code, s.unit, date_trunc('month', s.discharged)::DATE AS month, s.age, s.sex,
       (s.discharged_to = 'sykehus')::INTEGER::DOUBLE AS numerator, 1::DOUBLE AS denominator,
       NULL::VARCHAR AS stay_key, NULL::VARCHAR AS patient_key, NULL::DOUBLE AS cost_nok,
       k.record_key, NULL::UBIGINT AS nights_key, NULL::UBIGINT AS patient_record_key
FROM kad_stay s
LEFT JOIN derived_kad_stay_key k ON k.unit = s.unit AND k.stay_id = s.stay_id
WHERE s.discharged IS NOT NULL;
COMMENT ON MACRO TABLE kad_transfer_share_facts IS 'kad_transfer_share_facts(): one row per discharged KAD stay, numerator 1 if sent on to hospital.';
