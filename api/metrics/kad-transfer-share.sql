-- KAD transfer share: of the KAD stays discharged in the period, the share that went on to hospital
-- (discharged_to = sykehus), in %, with a 95 % Wilson interval; by residence municipality and month
-- of discharge. numerator = stays sent to hospital, denominator = stays discharged.
--
-- nb: Andel sendt videre til sykehus: av KAD-oppholdene som ble avsluttet i perioden, andelen som
-- ble sendt videre til sykehus, i prosent med 95 % konfidensintervall (Wilson), etter
-- bostedskommune og utskrivningsmåned.
CREATE OR REPLACE MACRO kad_transfer_share_facts() AS TABLE
SELECT municipality_code, unit, date_trunc('month', discharged)::DATE AS month, age, sex,
       (discharged_to = 'sykehus')::INTEGER::DOUBLE AS numerator, 1::DOUBLE AS denominator,
       NULL::VARCHAR AS stay_key, NULL::VARCHAR AS patient_key, NULL::DOUBLE AS cost_nok
FROM kad_stay
WHERE discharged IS NOT NULL;
COMMENT ON MACRO TABLE kad_transfer_share_facts IS 'kad_transfer_share_facts(): one row per discharged KAD stay, numerator 1 if sent on to hospital.';
