// Hand-made data for the API specifications, inserted directly (the importer has its own tests).
// KAD stays admitted in 2024, by residence municipality (all members of knutepunkt-sorlandet):
//   4204 Kristiansand 20, 4223 Vennesla 3, 4218 Iveland 7, 4216 Birkenes 0, 4215 Lillesand 0
//   → the collaboration has 30 stays.
// Population 1 January 2024: 1000 residents in each of the five (one row each, ages 0–120), so
// person-years in 2024 = 1000 and kad-stays per 1000 per year = the count itself (20, 3, 7; 30 of
// 5000 → 6 for the collaboration).
// One hospital stay discharged 2024-12-31 sets "data through".
export const kadStaysByMunicipality: Record<string, number> = { '4204': 20, '4223': 3, '4218': 7 };

export const seedSql = `
INSERT INTO population (municipality_code, municipality_code_raw, year, sex, sex_raw, age_from, age_to, age_raw, count, import_id, source_line)
SELECT code, code, 2024, 'K', 'K', 0, 120, '0-120', 1000, 1, 1
FROM (VALUES ('4204'), ('4223'), ('4218'), ('4216'), ('4215')) t(code);

INSERT INTO kad_stay (unit, stay_id, patient_id, municipality_code, municipality_code_raw, municipality_mappable, age, sex, sex_raw, admitted, discharged, main_diagnosis, main_diagnosis_raw, discharged_to, import_id, source_line)
SELECT 'KAD-KRS', code || '-' || i, 'p-' || code || '-' || i, code, code, true, 80, 'K', 'K',
       TIMESTAMP '2024-03-01 10:00' + INTERVAL (i) DAY, TIMESTAMP '2024-03-03 10:00' + INTERVAL (i) DAY,
       'R69', 'R69', 'hjem', 1, i + 1
FROM (VALUES ('4204', 20), ('4223', 3), ('4218', 7)) t(code, n), range(n) r(i);

INSERT INTO hospital_stay (hospital, stay_id, patient_id, municipality_code, municipality_code_raw, municipality_mappable, age, sex, sex_raw, admitted, discharged, urgency, urgency_raw, main_diagnosis, main_diagnosis_raw, ready_for_discharge, discharged_to, service_area, import_id, source_line) VALUES ('SSHF Kristiansand', 'h1', 'p-h1', '4204', '4204', true, 80, 'K', 'K',
  TIMESTAMP '2024-12-20 10:00', TIMESTAMP '2024-12-31 10:00', 'planlagt', '4', 'I509', 'I50.9', NULL, 'hjem',
  'somatikk', 1, 2);

INSERT INTO kad_unit (unit, name, host_municipality_code, host_municipality_raw, municipalities, municipalities_raw, beds, valid_from, valid_to, import_id, source_line) VALUES ('KAD-KRS', 'KAD Kristiansand', '4204', '4204', ['4204', '4223', '4218', '4216', '4215'],
  '4204,4223,4218,4216,4215', 10, DATE '2020-01-01', NULL, 1, 2);
`;
