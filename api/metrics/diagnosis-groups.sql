-- Diagnosis groups of the readmission indicator (ICD-10, matched on the code without dot):
-- kols J40–J47; hjertesvikt I43, I50, J81; lungebetennelse J12–J18; hjerneslag I61, I63, I64;
-- brudd S22, S32, S42, S52, S62, S72, S82, S92, T08, T10, T12; dehydrering E86; forstoppelse K59.0;
-- gastroenteritt A00–A09; urinveisinfeksjon N30.0–N30.3, N30.8, N30.9; mangelanemi D50–D53;
-- gikt M05–M07, M10–M13, M15–M19. elleve = the union of the eleven (the national indicator's
-- population). A code belongs to a range when its first characters (as many as the range's ends
-- have) lie between the ends: K590 and K5901 are forstoppelse, K591 is not.
CREATE OR REPLACE VIEW diagnosis_group_code AS
SELECT * FROM (VALUES
  ('kols', 'J40', 'J47'),
  ('hjertesvikt', 'I43', 'I43'), ('hjertesvikt', 'I50', 'I50'), ('hjertesvikt', 'J81', 'J81'),
  ('lungebetennelse', 'J12', 'J18'),
  ('hjerneslag', 'I61', 'I61'), ('hjerneslag', 'I63', 'I64'),
  ('brudd', 'S22', 'S22'), ('brudd', 'S32', 'S32'), ('brudd', 'S42', 'S42'), ('brudd', 'S52', 'S52'),
  ('brudd', 'S62', 'S62'), ('brudd', 'S72', 'S72'), ('brudd', 'S82', 'S82'), ('brudd', 'S92', 'S92'),
  ('brudd', 'T08', 'T08'), ('brudd', 'T10', 'T10'), ('brudd', 'T12', 'T12'),
  ('dehydrering', 'E86', 'E86'),
  ('forstoppelse', 'K590', 'K590'),
  ('gastroenteritt', 'A00', 'A09'),
  ('urinveisinfeksjon', 'N300', 'N303'), ('urinveisinfeksjon', 'N308', 'N309'),
  ('mangelanemi', 'D50', 'D53'),
  ('gikt', 'M05', 'M07'), ('gikt', 'M10', 'M13'), ('gikt', 'M15', 'M19')
) AS t(group_id, code_from, code_to);
COMMENT ON VIEW diagnosis_group_code IS 'ICD-10 ranges (without dot) of the eleven diagnosis groups of the readmission indicator.';

CREATE OR REPLACE MACRO in_diagnosis_group(code, diagnosis_group) AS
  diagnosis_group IS NULL OR diagnosis_group = 'all' OR EXISTS (
    SELECT 1 FROM diagnosis_group_code g
    WHERE (g.group_id = diagnosis_group OR diagnosis_group = 'elleve')
      AND left(code, length(g.code_from)) BETWEEN g.code_from AND g.code_to);
COMMENT ON MACRO in_diagnosis_group IS 'in_diagnosis_group(code, group): whether an ICD-10 code (without dot) is in the group; NULL or ''all'' matches every code, ''elleve'' the union of the eleven.';
