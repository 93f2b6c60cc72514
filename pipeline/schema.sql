-- Styringsdata warehouse schema. Applied on every open (idempotent); every table and column is
-- commented with COMMENT ON so that the comments are the documentation the SQL workbench shows
-- (duckdb_tables(), duckdb_columns()). Fact tables carry no PRIMARY KEY: DuckDB's ART indexes slow
-- bulk loads and trip over delete+insert in one transaction; the importer enforces natural keys.
-- Users, sessions, the audit log and saved queries are not here: they live in a file of their own
-- (api/private-schema.sql, api/private-store.ts) that the warehouse's instance never attaches.

-- ───────────── Reference data (seeded from pipeline/reference/*.csv, editable) ─────────────

CREATE TABLE IF NOT EXISTS municipality (
  code        VARCHAR PRIMARY KEY,
  name        VARCHAR NOT NULL,
  county      VARCHAR
);
COMMENT ON TABLE municipality IS 'Current (2024) municipalities: the codes every figure is reported under.';
COMMENT ON COLUMN municipality.code IS 'Current 4-digit municipality number (SSB, 2024).';
COMMENT ON COLUMN municipality.name IS 'Municipality name (bokmål).';
COMMENT ON COLUMN municipality.county IS 'County (fylke) the municipality belongs to.';

CREATE TABLE IF NOT EXISTS municipality_code_change (
  old_code    VARCHAR NOT NULL,
  old_name    VARCHAR,
  new_code    VARCHAR NOT NULL,
  new_name    VARCHAR,
  year        INTEGER NOT NULL,
  change_type VARCHAR NOT NULL CHECK (change_type IN ('merge', 'renumber', 'split'))
);
COMMENT ON TABLE municipality_code_change IS 'Code history: one row per edge old code → new code taking effect on 1 January of year. A code with several successors in one year was split and cannot be mapped.';
COMMENT ON COLUMN municipality_code_change.old_code IS 'Municipality number before the change.';
COMMENT ON COLUMN municipality_code_change.old_name IS 'Name under the old code.';
COMMENT ON COLUMN municipality_code_change.new_code IS 'Municipality number after the change.';
COMMENT ON COLUMN municipality_code_change.new_name IS 'Name under the new code.';
COMMENT ON COLUMN municipality_code_change.year IS 'Year the new code took effect (1 January).';
COMMENT ON COLUMN municipality_code_change.change_type IS 'merge (several old codes into one), renumber (same municipality, new number) or split (one old code into several: not mappable).';

-- Every code ever seen → the current code it is counted under. Follows chains (0219 → 3024 → 3201).
-- A split anywhere on the way makes the code unmappable: it is then kept as it is and flagged.
CREATE OR REPLACE VIEW municipality_code_map AS
WITH RECURSIVE successors AS (
  SELECT old_code, list(DISTINCT new_code) AS next_codes
  FROM municipality_code_change
  GROUP BY old_code
),
chain(code, current_code, mappable, depth) AS (
  SELECT s.old_code, s.next_codes[1], len(s.next_codes) = 1, 1 FROM successors s
  UNION ALL
  SELECT c.code,
         CASE WHEN len(s.next_codes) = 1 THEN s.next_codes[1] ELSE c.current_code END,
         c.mappable AND len(s.next_codes) = 1,
         c.depth + 1
  FROM chain c JOIN successors s ON s.old_code = c.current_code
  WHERE c.mappable AND c.depth < 10
),
resolved AS (
  SELECT code, arg_max(current_code, depth) AS current_code, bool_and(mappable) AS mappable
  FROM chain GROUP BY code
)
SELECT code, CASE WHEN mappable THEN current_code ELSE code END AS current_code, mappable
FROM resolved
UNION ALL
SELECT m.code, m.code, true FROM municipality m
WHERE m.code NOT IN (SELECT code FROM resolved);
COMMENT ON VIEW municipality_code_map IS 'Every known municipality code (current or historical) with the current code it is reported under; mappable = false for split codes, which are kept as they are.';

CREATE TABLE IF NOT EXISTS collaboration (
  id          VARCHAR PRIMARY KEY,
  name        VARCHAR NOT NULL
);
COMMENT ON TABLE collaboration IS 'Collaborations of municipalities (helsefellesskap, Knutepunkt Sørlandet, …); editable reference data.';
COMMENT ON COLUMN collaboration.id IS 'Stable id used in URLs and in the API (municipality=<id>).';
COMMENT ON COLUMN collaboration.name IS 'Display name.';

CREATE TABLE IF NOT EXISTS collaboration_member (
  collaboration_id  VARCHAR NOT NULL,
  municipality_code VARCHAR NOT NULL,
  PRIMARY KEY (collaboration_id, municipality_code)
);
COMMENT ON TABLE collaboration_member IS 'Which current municipalities belong to which collaboration.';
COMMENT ON COLUMN collaboration_member.collaboration_id IS 'collaboration.id';
COMMENT ON COLUMN collaboration_member.municipality_code IS 'municipality.code (current code).';

-- Maintained by admins as data (npm run rates, or an import of kind dognpris); seeded from
-- pipeline/reference/discharge-ready-daily-rates.csv only while empty. No PRIMARY KEY: an import
-- inserts a year's new rate and deletes the older one in one transaction (the importer keeps one per year).
CREATE TABLE IF NOT EXISTS discharge_ready_daily_rate (
  year         INTEGER NOT NULL,
  rate_nok     DECIMAL(10, 2) NOT NULL,
  source       VARCHAR,
  import_id    INTEGER NOT NULL,
  source_line  INTEGER
);
COMMENT ON TABLE discharge_ready_daily_rate IS 'Daily rate (NOK) municipalities pay per discharge-ready day, by year; one row per year. A year without a row gives cost unknown, and the figures name the missing year.';
COMMENT ON COLUMN discharge_ready_daily_rate.year IS 'Calendar year the rate applies to.';
COMMENT ON COLUMN discharge_ready_daily_rate.rate_nok IS 'NOK per discharge-ready day (døgnpris).';
COMMENT ON COLUMN discharge_ready_daily_rate.source IS 'Where the rate is published (e.g. Statsbudsjettet 2025), as the admin gave it.';
COMMENT ON COLUMN discharge_ready_daily_rate.import_id IS 'import_log.import_id of the import (or npm run rates) that set it; 0 = the shipped reference file.';
COMMENT ON COLUMN discharge_ready_daily_rate.source_line IS 'Line in the source file; NULL for the shipped reference file.';

-- ───────────── Facts (written only by the importer) ─────────────

CREATE SEQUENCE IF NOT EXISTS import_id_seq START 1;

CREATE TABLE IF NOT EXISTS hospital_stay (
  hospital               VARCHAR NOT NULL,
  stay_id                VARCHAR NOT NULL,
  patient_id             VARCHAR NOT NULL,
  municipality_code      VARCHAR NOT NULL,
  municipality_code_raw  VARCHAR NOT NULL,
  municipality_mappable  BOOLEAN NOT NULL,
  age                    SMALLINT NOT NULL,
  sex                    VARCHAR NOT NULL,
  sex_raw                VARCHAR NOT NULL,
  admitted               TIMESTAMP NOT NULL,
  discharged             TIMESTAMP,
  urgency                VARCHAR NOT NULL,
  urgency_raw            VARCHAR NOT NULL,
  main_diagnosis         VARCHAR NOT NULL,
  main_diagnosis_raw     VARCHAR NOT NULL,
  ready_for_discharge    TIMESTAMP,
  discharged_to          VARCHAR,
  service_area           VARCHAR NOT NULL,
  import_id              INTEGER NOT NULL,
  source_line            INTEGER NOT NULL
);
COMMENT ON TABLE hospital_stay IS 'Hospital stays (sykehusopphold), one row per stay at a hospital department. Natural key: (hospital, stay_id); a corrected extract replaces stays by that key.';
COMMENT ON COLUMN hospital_stay.hospital IS 'behandlingssted: hospital/department, e.g. SSHF Kristiansand.';
COMMENT ON COLUMN hospital_stay.stay_id IS 'opphold_id: the stay''s id, unique within the hospital.';
COMMENT ON COLUMN hospital_stay.patient_id IS 'Pseudonymised patient key, stable across extracts.';
COMMENT ON COLUMN hospital_stay.municipality_code IS 'Residence municipality at admission, mapped to the current code.';
COMMENT ON COLUMN hospital_stay.municipality_code_raw IS 'kommunenr as delivered (may be a pre-2020 or 2020–2023 code).';
COMMENT ON COLUMN hospital_stay.municipality_mappable IS 'false when the delivered code was split and is kept as delivered.';
COMMENT ON COLUMN hospital_stay.age IS 'Age in years at admission (0–120).';
COMMENT ON COLUMN hospital_stay.sex IS 'M (mann) or K (kvinne).';
COMMENT ON COLUMN hospital_stay.sex_raw IS 'kjonn as delivered (M/K or NPR 1/2).';
COMMENT ON COLUMN hospital_stay.admitted IS 'innskrevet: admission time.';
COMMENT ON COLUMN hospital_stay.discharged IS 'utskrevet: discharge time; NULL = still in hospital at extract time.';
COMMENT ON COLUMN hospital_stay.urgency IS 'akutt or planlagt (NPR 3 tilbakeføring counts as planlagt).';
COMMENT ON COLUMN hospital_stay.urgency_raw IS 'hastegrad as delivered.';
COMMENT ON COLUMN hospital_stay.main_diagnosis IS 'hovedtilstand, ICD-10 normalised without dot (J441).';
COMMENT ON COLUMN hospital_stay.main_diagnosis_raw IS 'hovedtilstand as delivered (J44.1).';
COMMENT ON COLUMN hospital_stay.ready_for_discharge IS 'utskrivningsklar: when the patient was declared ready for discharge; NULL = never.';
COMMENT ON COLUMN hospital_stay.discharged_to IS 'hjem, kommunal, sykehus, dod or annet.';
COMMENT ON COLUMN hospital_stay.service_area IS 'somatikk, psykisk_helsevern or tsb.';
COMMENT ON COLUMN hospital_stay.import_id IS 'import_log.import_id of the import that wrote the row.';
COMMENT ON COLUMN hospital_stay.source_line IS 'Line in the source file (header = line 1).';

CREATE TABLE IF NOT EXISTS kad_stay (
  unit                   VARCHAR NOT NULL,
  stay_id                VARCHAR NOT NULL,
  patient_id             VARCHAR NOT NULL,
  municipality_code      VARCHAR NOT NULL,
  municipality_code_raw  VARCHAR NOT NULL,
  municipality_mappable  BOOLEAN NOT NULL,
  age                    SMALLINT NOT NULL,
  sex                    VARCHAR NOT NULL,
  sex_raw                VARCHAR NOT NULL,
  admitted               TIMESTAMP NOT NULL,
  discharged             TIMESTAMP,
  main_diagnosis         VARCHAR NOT NULL,
  main_diagnosis_raw     VARCHAR NOT NULL,
  discharged_to          VARCHAR,
  import_id              INTEGER NOT NULL,
  source_line            INTEGER NOT NULL
);
COMMENT ON TABLE kad_stay IS 'Municipal acute 24-hour unit stays (KAD/ØHD). Natural key: (unit, stay_id).';
COMMENT ON COLUMN kad_stay.unit IS 'enhet: unit id, matches kad_unit.unit.';
COMMENT ON COLUMN kad_stay.stay_id IS 'opphold_id, unique within the unit.';
COMMENT ON COLUMN kad_stay.patient_id IS 'Pseudonymised patient key.';
COMMENT ON COLUMN kad_stay.municipality_code IS 'Residence municipality, current code.';
COMMENT ON COLUMN kad_stay.municipality_code_raw IS 'kommunenr as delivered.';
COMMENT ON COLUMN kad_stay.municipality_mappable IS 'false when the delivered code was split.';
COMMENT ON COLUMN kad_stay.age IS 'Age at admission.';
COMMENT ON COLUMN kad_stay.sex IS 'M or K.';
COMMENT ON COLUMN kad_stay.sex_raw IS 'kjonn as delivered.';
COMMENT ON COLUMN kad_stay.admitted IS 'innskrevet.';
COMMENT ON COLUMN kad_stay.discharged IS 'utskrevet; NULL = still in the unit.';
COMMENT ON COLUMN kad_stay.main_diagnosis IS 'ICD-10 or ICPC-2 code, normalised without dot.';
COMMENT ON COLUMN kad_stay.main_diagnosis_raw IS 'hovedtilstand as delivered.';
COMMENT ON COLUMN kad_stay.discharged_to IS 'hjem, sykehus (sent on to hospital), sykehjem, dod or annet.';
COMMENT ON COLUMN kad_stay.import_id IS 'import_log.import_id.';
COMMENT ON COLUMN kad_stay.source_line IS 'Line in the source file.';

CREATE TABLE IF NOT EXISTS kad_unit (
  unit                     VARCHAR NOT NULL,
  name                     VARCHAR NOT NULL,
  host_municipality_code   VARCHAR NOT NULL,
  host_municipality_raw    VARCHAR NOT NULL,
  municipalities           VARCHAR[] NOT NULL,
  municipalities_raw       VARCHAR NOT NULL,
  beds                     INTEGER NOT NULL,
  valid_from               DATE NOT NULL,
  valid_to                 DATE,
  import_id                INTEGER NOT NULL,
  source_line              INTEGER NOT NULL
);
COMMENT ON TABLE kad_unit IS 'KAD/ØHD units with their bed count over time. Natural key: (unit, valid_from).';
COMMENT ON COLUMN kad_unit.unit IS 'Unit id.';
COMMENT ON COLUMN kad_unit.name IS 'Unit name.';
COMMENT ON COLUMN kad_unit.host_municipality_code IS 'Host municipality, current code.';
COMMENT ON COLUMN kad_unit.host_municipality_raw IS 'vertskommune as delivered.';
COMMENT ON COLUMN kad_unit.municipalities IS 'Current codes of the municipalities the unit serves.';
COMMENT ON COLUMN kad_unit.municipalities_raw IS 'kommuner as delivered.';
COMMENT ON COLUMN kad_unit.beds IS 'Beds in the period.';
COMMENT ON COLUMN kad_unit.valid_from IS 'First day the bed count applies.';
COMMENT ON COLUMN kad_unit.valid_to IS 'Last day the bed count applies; NULL = still valid.';
COMMENT ON COLUMN kad_unit.import_id IS 'import_log.import_id.';
COMMENT ON COLUMN kad_unit.source_line IS 'Line in the source file.';

CREATE TABLE IF NOT EXISTS population (
  municipality_code      VARCHAR NOT NULL,
  municipality_code_raw  VARCHAR NOT NULL,
  year                   INTEGER NOT NULL,
  sex                    VARCHAR NOT NULL,
  sex_raw                VARCHAR NOT NULL,
  age_from               SMALLINT NOT NULL,
  age_to                 SMALLINT NOT NULL,
  age_raw                VARCHAR NOT NULL,
  count                  INTEGER NOT NULL,
  import_id              INTEGER NOT NULL,
  source_line            INTEGER NOT NULL
);
COMMENT ON TABLE population IS 'Residents on 1 January (SSB) by municipality, sex and age or age band; the denominator of every rate. Natural key within a file: (municipality_code_raw, year, sex, age_from, age_to); rows of old codes are summed under the current code; a later file replaces every row of the same current municipality and year. Registered population only (no year after the import).';
COMMENT ON COLUMN population.municipality_code IS 'Current municipality code.';
COMMENT ON COLUMN population.municipality_code_raw IS 'kommunenr as delivered.';
COMMENT ON COLUMN population.year IS 'Year (population on 1 January).';
COMMENT ON COLUMN population.sex IS 'M or K.';
COMMENT ON COLUMN population.sex_raw IS 'kjonn as delivered.';
COMMENT ON COLUMN population.age_from IS 'First age of the row (single year: age_from = age_to).';
COMMENT ON COLUMN population.age_to IS 'Last age of the row; 120 for an open band such as 90+.';
COMMENT ON COLUMN population.age_raw IS 'alder as delivered (67, 67-79, 90+).';
COMMENT ON COLUMN population.count IS 'Number of residents.';
COMMENT ON COLUMN population.import_id IS 'import_log.import_id.';
COMMENT ON COLUMN population.source_line IS 'Line in the source file.';

CREATE TABLE IF NOT EXISTS population_projection (
  vintage                VARCHAR NOT NULL,
  alternative            VARCHAR NOT NULL,
  municipality_code      VARCHAR NOT NULL,
  municipality_code_raw  VARCHAR NOT NULL,
  year                   INTEGER NOT NULL,
  sex                    VARCHAR NOT NULL,
  age_from               SMALLINT NOT NULL,
  age_to                 SMALLINT NOT NULL,
  count                  DOUBLE NOT NULL,
  import_id              INTEGER NOT NULL,
  source_line            INTEGER NOT NULL
);
COMMENT ON TABLE population_projection IS 'SSB''s projected population on 1 January (framskrivinger) by vintage, alternative, current municipality, year, sex and age (issue 13). Kept apart from population: never a denominator for the past, never a standard. Re-importing a vintage replaces it.';
COMMENT ON COLUMN population_projection.vintage IS 'The projection round, e.g. 2024 (SSB publishes one every second year).';
COMMENT ON COLUMN population_projection.alternative IS 'SSB''s alternative code: MMMM main, LLML low, HHMH high; others kept by name.';
COMMENT ON COLUMN population_projection.municipality_code IS 'Current municipality code (old codes mapped through the code history).';
COMMENT ON COLUMN population_projection.municipality_code_raw IS 'Region code as delivered (K-4204, 4204 or an old code).';
COMMENT ON COLUMN population_projection.year IS 'Projected year (population on 1 January).';
COMMENT ON COLUMN population_projection.sex IS 'M or K.';
COMMENT ON COLUMN population_projection.age_from IS 'First age of the row (single ages; 105+ is 105–120).';
COMMENT ON COLUMN population_projection.age_to IS 'Last age of the row.';
COMMENT ON COLUMN population_projection.count IS 'Projected persons (SSB publishes whole persons; DOUBLE so sums of alternatives stay exact).';

-- ───────────── Import bookkeeping ─────────────

CREATE TABLE IF NOT EXISTS import_log (
  import_id      INTEGER PRIMARY KEY,
  file_name      VARCHAR NOT NULL,
  sha256         VARCHAR NOT NULL,
  kind           VARCHAR,
  encoding       VARCHAR,
  delimiter      VARCHAR,
  rows_read      BIGINT NOT NULL,
  rows_imported  BIGINT NOT NULL,
  rows_rejected  BIGINT NOT NULL,
  status         VARCHAR NOT NULL CHECK (status IN ('imported', 'unchanged', 'rejected')),
  imported_by    VARCHAR NOT NULL,
  started_at     TIMESTAMP NOT NULL,
  finished_at    TIMESTAMP NOT NULL,
  message        VARCHAR
);
COMMENT ON TABLE import_log IS 'Every import attempt: file, checksum, kind, row counts, who, when and outcome.';
COMMENT ON COLUMN import_log.import_id IS 'Sequence number of the import.';
COMMENT ON COLUMN import_log.file_name IS 'File name as given by the user.';
COMMENT ON COLUMN import_log.sha256 IS 'SHA-256 of the file''s bytes; an identical file is not imported twice.';
COMMENT ON COLUMN import_log.kind IS 'sykehusopphold, kad_opphold, kad_enheter, befolkning or dognpris (daily rates); NULL when not recognised.';
COMMENT ON COLUMN import_log.encoding IS 'Detected encoding (utf-8, utf-8-bom, windows-1252).';
COMMENT ON COLUMN import_log.delimiter IS 'Detected delimiter.';
COMMENT ON COLUMN import_log.rows_read IS 'Data rows in the file.';
COMMENT ON COLUMN import_log.rows_imported IS 'Rows written to the warehouse.';
COMMENT ON COLUMN import_log.rows_rejected IS 'Rows rejected with a reason (see import_rejected_row).';
COMMENT ON COLUMN import_log.status IS 'imported, unchanged (identical file seen before) or rejected (nothing of the file imported).';
COMMENT ON COLUMN import_log.imported_by IS 'User (or cli:<os user>) who ran the import.';
COMMENT ON COLUMN import_log.started_at IS 'Start time.';
COMMENT ON COLUMN import_log.finished_at IS 'End time.';
COMMENT ON COLUMN import_log.message IS 'A file-level message, e.g. which columns are missing.';

CREATE TABLE IF NOT EXISTS import_rejected_row (
  import_id    INTEGER NOT NULL,
  line         INTEGER,
  column_name  VARCHAR,
  message      VARCHAR NOT NULL,
  raw_line     VARCHAR
);
COMMENT ON TABLE import_rejected_row IS 'Rows rejected by an import, kept for review with the file''s own line number, the column and the reason.';
COMMENT ON COLUMN import_rejected_row.import_id IS 'import_log.import_id.';
COMMENT ON COLUMN import_rejected_row.line IS 'Line in the file (header = line 1).';
COMMENT ON COLUMN import_rejected_row.column_name IS 'Column at fault (canonical name), NULL for a whole-row problem.';
COMMENT ON COLUMN import_rejected_row.message IS 'Reason a person can act on.';
COMMENT ON COLUMN import_rejected_row.raw_line IS 'The line as read, where available.';
