// Hand-made data for the projection specifications, inserted directly (the SSB importers have their
// own tests). Base period 2022–2024 (KAD data through 2025-01-01 09:00, so 2024 is complete).
//
// KAD stays, every one 2 nights (admitted 10:00, discharged two days later 10:00) unless said:
//   4204 Kristiansand: women aged 85, 20 a year (60; 120 nights); men aged 40, 10 a year (30; 60 nights)
//   4223 Vennesla:     women aged 85, 5 in all (10 nights)
//   0301 Oslo:         women aged 85, 2 (one 2 nights, one from 2024-12-31 08:00 to 2025-01-01 09:00: 1 night)
// Registered population, 1 January 2022, 2023 and 2024 alike (so person-years 2022–2024 = 3 × it):
//   4204 women 85: 1000, men 40: 4000; 4223 women 85: 500; 0301 women 85: 100.
// SSB projection, vintage 2024 (population on 1 January):
//   MMMM 4204 women: 2029 age 85 1500; 2040 age 80 1200 + ages 105–120 ("105+") 800; men 40: 4000, 3600
//        4223 women 85: 600, 700;  0301 women 85: 200, 250
//   LLML 4204 women 85: 1200, 1500; men 40: 4000, 4000
// An older vintage 2022 (MMMM 4204 women 85 2029: 9999) must not be used. HHMH is not imported.
// One hospital stay (discharged 2024-12-31, planned) gives the hospital metrics a data-through.
const years = '(VALUES (2022), (2023), (2024)) y(year)';

export const projectionSeedSql = `
INSERT INTO population (municipality_code, municipality_code_raw, year, sex, sex_raw, age_from, age_to, age_raw, count, import_id, source_line)
SELECT code, code, year, sex, sex, age, age, age::VARCHAR, n, 1, 1
FROM (VALUES ('4204', 'K', 85, 1000), ('4204', 'M', 40, 4000), ('4223', 'K', 85, 500), ('0301', 'K', 85, 100)) p(code, sex, age, n), ${years};

INSERT INTO kad_stay (unit, stay_id, patient_id, municipality_code, municipality_code_raw, municipality_mappable, age, sex, sex_raw,
  admitted, discharged, main_diagnosis, main_diagnosis_raw, discharged_to, import_id, source_line)
SELECT 'KAD-KRS', id, 'p-' || id, code, code, true, age, sex, sex, admitted, admitted + INTERVAL 2 DAY, 'R69', 'R69', 'hjem', 1, 1
FROM (
  SELECT '4204-K-' || year || '-' || i AS id, '4204' AS code, 85 AS age, 'K' AS sex,
         make_timestamp(year, i % 10 + 1, CASE WHEN i < 10 THEN 3 ELSE 13 END, 10, 0, 0) AS admitted
  FROM ${years}, range(20) r(i)
  UNION ALL
  SELECT '4204-M-' || year || '-' || i, '4204', 40, 'M', make_timestamp(year, i + 1, 20, 10, 0, 0) FROM ${years}, range(10) r(i)
  UNION ALL
  SELECT '4223-K-' || i, '4223', 85, 'K', t FROM (VALUES
    (1, TIMESTAMP '2022-03-05 10:00'), (2, TIMESTAMP '2023-03-05 10:00'), (3, TIMESTAMP '2024-03-05 10:00'),
    (4, TIMESTAMP '2024-05-05 10:00'), (5, TIMESTAMP '2024-07-05 10:00')) v(i, t)
  UNION ALL
  SELECT '0301-K-1', '0301', 85, 'K', TIMESTAMP '2023-06-10 10:00'
);
INSERT INTO kad_stay (unit, stay_id, patient_id, municipality_code, municipality_code_raw, municipality_mappable, age, sex, sex_raw,
  admitted, discharged, main_diagnosis, main_diagnosis_raw, discharged_to, import_id, source_line)
VALUES ('KAD-KRS', '0301-K-2', 'p-0301-K-2', '0301', '0301', true, 85, 'K', 'K', TIMESTAMP '2024-12-31 08:00', TIMESTAMP '2025-01-01 09:00',
  'R69', 'R69', 'hjem', 1, 1);

INSERT INTO kad_unit (unit, name, host_municipality_code, host_municipality_raw, municipalities, municipalities_raw, beds, valid_from, valid_to, import_id, source_line)
VALUES ('KAD-KRS', 'KAD Kristiansand', '4204', '4204', ['4204', '4223'], '4204,4223', 10, DATE '2020-01-01', NULL, 1, 2);

INSERT INTO population_projection (vintage, alternative, municipality_code, municipality_code_raw, year, sex, age_from, age_to, count, import_id, source_line)
VALUES
  ('2024', 'MMMM', '4204', 'K-4204', 2029, 'K', 85, 85, 1500, 2, 1),
  ('2024', 'MMMM', '4204', 'K-4204', 2040, 'K', 80, 80, 1200, 2, 2),
  ('2024', 'MMMM', '4204', 'K-4204', 2040, 'K', 105, 120, 800, 2, 3),
  ('2024', 'MMMM', '4204', 'K-4204', 2029, 'M', 40, 40, 4000, 2, 4),
  ('2024', 'MMMM', '4204', 'K-4204', 2040, 'M', 40, 40, 3600, 2, 5),
  ('2024', 'MMMM', '4223', 'K-4223', 2029, 'K', 85, 85, 600, 2, 6),
  ('2024', 'MMMM', '4223', 'K-4223', 2040, 'K', 85, 85, 700, 2, 7),
  ('2024', 'MMMM', '0301', 'K-0301', 2029, 'K', 85, 85, 200, 2, 8),
  ('2024', 'MMMM', '0301', 'K-0301', 2040, 'K', 85, 85, 250, 2, 9),
  ('2024', 'LLML', '4204', 'K-4204', 2029, 'K', 85, 85, 1200, 2, 10),
  ('2024', 'LLML', '4204', 'K-4204', 2040, 'K', 85, 85, 1500, 2, 11),
  ('2024', 'LLML', '4204', 'K-4204', 2029, 'M', 40, 40, 4000, 2, 12),
  ('2024', 'LLML', '4204', 'K-4204', 2040, 'M', 40, 40, 4000, 2, 13),
  ('2022', 'MMMM', '4204', 'K-4204', 2029, 'K', 85, 85, 9999, 1, 1);

INSERT INTO hospital_stay (hospital, stay_id, patient_id, municipality_code, municipality_code_raw, municipality_mappable, age, sex, sex_raw,
  admitted, discharged, urgency, urgency_raw, main_diagnosis, main_diagnosis_raw, ready_for_discharge, discharged_to, service_area, import_id, source_line)
VALUES ('SSHF Kristiansand', 'h1', 'p-h1', '4204', '4204', true, 80, 'K', 'K', TIMESTAMP '2021-12-20 10:00', TIMESTAMP '2024-12-31 10:00',
  'planlagt', '4', 'I509', 'I50.9', NULL, 'hjem', 'somatikk', 1, 2);
`;
