-- 30-day readmissions as the national quality indicator defines them (unadjusted: the published
-- indicator is also risk-adjusted). Index episode: an episode (stays merged across hospitals within
-- 8 hours) discharged alive in the period, aged 67+ by default, in one of the indicator's eleven
-- diagnosis groups (default: all eleven; any stay of the episode may have the group's main diagnosis;
-- heart failure includes I09.9, I11.9, I13.0, I13.2, I25.5, I42.0, I42.5–I42.9 and I97.1 besides I43,
-- I50, J81), with a complete 30-day follow-up. Readmitted: an acute episode admitted no more than 30 ×
-- 24 hours after the index discharge, whose stays have no excluded main diagnosis (cancer C, D0,
-- D37–D48; external causes V–Y; injuries T1–T3, T51–T59, T6, T7, T9; factor codes Z00–Z02, Z04–Z09,
-- Z1–Z3, Z40–Z41, Z43–Z46, Z49–Z53 (rehabilitation, chemotherapy, radiotherapy), Z55–Z59, Z6,
-- Z70–Z73, Z76–Z79, Z8, Z9), and that is attributed to this index episode: each readmission belongs
-- to the most recent index episode before it only, so one readmission never counts for two index
-- episodes. Planned episodes are never readmissions. An index episode without readmission after which
-- the patient died in hospital within 30 days is left out. numerator = readmitted index episodes,
-- denominator = index episodes, value = % with a 95 % Wilson interval, by the index episode's
-- municipality and month of discharge. Somatic stays only.
--
-- nb: Reinnleggelser innen 30 dager slik den nasjonale kvalitetsindikatoren definerer dem (ujustert;
-- den publiserte indikatoren er i tillegg risikojustert). Et indeksopphold er et sykehusopphold
-- (overføringer innen 8 timer regnes som ett opphold) med utskrivning i live i perioden, pasient 67 år
-- og eldre (standard), hoveddiagnose i en av indikatorens elleve diagnosegrupper (standard: alle elleve;
-- hjertesvikt omfatter også I09.9, I11.9, I13.0, I13.2, I25.5, I42.0, I42.5–I42.9 og I97.1) og
-- fullstendig oppfølging i 30 dager. Reinnlagt betyr en akutt innleggelse innen 30 døgn etter
-- utskrivning som ikke har en ekskludert hoveddiagnose (kreft, ytre årsaker, visse skader, Z-koder som
-- rehabilitering, cellegift og strålebehandling), og hver reinnleggelse knyttes bare til det siste
-- indeksoppholdet før den, så den aldri teller for to indeksopphold. Planlagte innleggelser teller
-- aldri. Et indeksopphold uten reinnleggelse der pasienten døde på sykehus innen 30 dager, tas ut.
-- Andel reinnlagte i prosent med 95 % konfidensintervall (Wilson), etter bostedskommune og
-- utskrivningsmåned. Kun somatikk.

-- Sources (docs/readmissions-national.md has the full table of differences from `readmissions`):
-- VERIFIED in SKDE's analysis code, github.com/SKDE-Analyse/sas_codes, makroer/reinnleggelser.sas
-- ("Bruker definisjonen til Kunnskapssenteret"): the link to the most recent preceding index episode
-- (a retained last primary stay), readmission = acute inpatient episode, the excluded main diagnoses
-- (listed there as "Folkehelseinstituttet 2016", checked on every main diagnosis of the episode),
-- index discharged alive, and an index without readmission followed by death within 30 days dropped.
-- VERIFIED in github.com/SKDE-Analyse/eldre-sas-utvalg, Definisjoner_reinnleggelse_11gr.sas (commit
-- 1e9f4e3, active; commented out in later commits): the eleven groups and the extra heart-failure codes.
-- VERIFIED in SKDE-Analyse/sas_codes, makroer/Episode_of_care.sas: episodes merge stays within 8 hours.
-- VERIFIED on fhi.no (Kvalitetsindikatoren 30 dagers reinnleggelse … 2016): 67 years and older, a
-- readmission is an acute admission "uavhengig av årsak og sykehus" 8 hours to 30 days after discharge.
-- ASSUMED: 30 days as 30 × 24 hours (the SAS macro counts whole days 1–29; FHI's text says up to 30
-- days); the group taken from any stay of the index episode (the SAS marks the whole episode); linking
-- among index episodes of the asked-for group (the SAS is run once per group); index episodes of every
-- age take part in linking (the age filter then picks the ones counted); deaths outside hospital are
-- not in our data (FHI uses the population register's date of death); somatic stays only.
CREATE OR REPLACE VIEW national_diagnosis_group_code AS
SELECT group_id, code_from, code_to FROM diagnosis_group_code WHERE group_id <> 'hjertesvikt'
UNION ALL
SELECT * FROM (VALUES
  ('hjertesvikt', 'I43', 'I43'), ('hjertesvikt', 'I50', 'I50'), ('hjertesvikt', 'J81', 'J81'),
  ('hjertesvikt', 'I099', 'I099'), ('hjertesvikt', 'I119', 'I119'), ('hjertesvikt', 'I130', 'I130'),
  ('hjertesvikt', 'I132', 'I132'), ('hjertesvikt', 'I255', 'I255'), ('hjertesvikt', 'I420', 'I420'),
  ('hjertesvikt', 'I425', 'I429'), ('hjertesvikt', 'I971', 'I971')
) AS t(group_id, code_from, code_to);
COMMENT ON VIEW national_diagnosis_group_code IS 'ICD-10 ranges (without dot) of the eleven groups as SKDE''s analysis code has them: ours (diagnosis_group_code) with the wider heart-failure group.';

-- The national indicator's population is the eleven groups: no group (or 'all') means elleve.
CREATE OR REPLACE MACRO national_diagnosis_group(diagnosis_group) AS
  CASE WHEN diagnosis_group IS NULL OR diagnosis_group = 'all' THEN 'elleve' ELSE diagnosis_group END;
COMMENT ON MACRO national_diagnosis_group IS 'national_diagnosis_group(group): the group the national variant uses; NULL or ''all'' is elleve (the indicator''s population).';

CREATE OR REPLACE MACRO in_national_diagnosis_group(code, diagnosis_group) AS EXISTS (
  SELECT 1 FROM national_diagnosis_group_code g
  WHERE (g.group_id = national_diagnosis_group(diagnosis_group) OR national_diagnosis_group(diagnosis_group) = 'elleve')
    AND left(code, length(g.code_from)) BETWEEN g.code_from AND g.code_to);
COMMENT ON MACRO in_national_diagnosis_group IS 'in_national_diagnosis_group(code, group): whether an ICD-10 code (without dot) is in the national group; NULL, ''all'' and ''elleve'' mean the union of the eleven.';

CREATE OR REPLACE MACRO national_readmission_excluded_cause(code) AS
  left(code, 1) IN ('C', 'V', 'W', 'X', 'Y')
  OR left(code, 2) IN ('D0', 'T1', 'T2', 'T3', 'T6', 'T7', 'T9', 'Z1', 'Z2', 'Z3', 'Z6', 'Z8', 'Z9')
  OR left(code, 3) IN ('D37', 'D38', 'D39', 'D40', 'D41', 'D42', 'D43', 'D44', 'D45', 'D46', 'D47', 'D48',
                       'T51', 'T52', 'T53', 'T54', 'T55', 'T56', 'T57', 'T58', 'T59',
                       'Z00', 'Z01', 'Z02', 'Z04', 'Z05', 'Z06', 'Z07', 'Z08', 'Z09',
                       'Z40', 'Z41', 'Z43', 'Z44', 'Z45', 'Z46', 'Z49', 'Z50', 'Z51', 'Z52', 'Z53',
                       'Z55', 'Z56', 'Z57', 'Z58', 'Z59', 'Z70', 'Z71', 'Z72', 'Z73', 'Z76', 'Z77', 'Z78', 'Z79');
COMMENT ON MACRO national_readmission_excluded_cause IS 'national_readmission_excluded_cause(code): whether a main diagnosis (ICD-10 without dot) keeps an acute episode from being a readmission in the national variant (FHI 2016 list in SKDE''s reinnleggelser.sas).';

-- Which episodes are index episodes, and so where each readmission is linked, depends on the asked-for
-- diagnosis group: the indicator's own population (the eleven groups, somatic care) is materialised when
-- the derived tables are rebuilt (≈ 10 s on national data, too slow per request); a single group is
-- computed per request.
CREATE OR REPLACE MACRO national_readmission_index_from_episodes(area, diagnosis_group) AS TABLE
WITH episode AS (
  SELECT *, lead(admitted) OVER (PARTITION BY patient_id ORDER BY admitted) AS next_episode_admitted
  FROM episodes(area)
),
-- Every stay's main diagnosis with its episode. Episodes are runs of a patient's stays in order of
-- admission, so a stay belongs to the last episode admitted no later than it. Single-stay episodes
-- carry their only diagnosis already; only the stays of longer ones are looked up.
episode_diagnosis AS (
  SELECT patient_id, admitted, main_diagnosis FROM episode WHERE stays = 1
  UNION ALL
  SELECT e.patient_id, e.admitted, s.main_diagnosis
  FROM episode e JOIN hospital_stay s
    ON s.patient_id = e.patient_id AND s.admitted >= e.admitted
   AND (e.next_episode_admitted IS NULL OR s.admitted < e.next_episode_admitted)
  WHERE e.stays > 1 AND (area = 'all' OR s.service_area = area)
),
episode_cause AS (
  SELECT patient_id, admitted,
         bool_or(in_national_diagnosis_group(main_diagnosis, diagnosis_group)) AS in_group,
         bool_or(national_readmission_excluded_cause(main_diagnosis)) AS excluded_cause
  FROM episode_diagnosis GROUP BY patient_id, admitted
),
flagged AS (
  SELECT e.*,
         e.discharged IS NOT NULL AND coalesce(e.discharged_to, '') <> 'dod' AND c.in_group AS is_index,
         e.acute AND NOT c.excluded_cause AS counts_as_readmission
  FROM episode e JOIN episode_cause c ON c.patient_id = e.patient_id AND c.admitted = e.admitted
),
-- The first readmission after an index episode is its readmission only if no later index episode
-- comes before it (the readmission may itself be that next index episode: it is then the earlier
-- one's). Later readmissions would come after that one, so the first decides.
linked AS (
  SELECT *,
         lead(CASE WHEN counts_as_readmission THEN admitted END IGNORE NULLS) OVER in_order AS next_readmission,
         lead(CASE WHEN is_index THEN admitted END IGNORE NULLS) OVER in_order AS next_index_admission,
         max(CASE WHEN discharged_to = 'dod' THEN discharged END) OVER (PARTITION BY patient_id) AS died_in_hospital
  FROM flagged
  WINDOW in_order AS (PARTITION BY patient_id ORDER BY admitted)
),
judged AS (
  SELECT *,
         coalesce(next_readmission <= discharged + to_days(follow_up_days('readmissions-national'))
                  AND (next_index_admission IS NULL OR next_readmission <= next_index_admission), false) AS readmitted
  FROM linked WHERE is_index
)
SELECT patient_id, admitted, discharged, date_trunc('month', discharged)::DATE AS month,
       municipality_code, age, sex, main_diagnosis, service_area, acute, record_key,
       next_readmission, next_index_admission, readmitted,
       NOT readmitted AND coalesce(died_in_hospital <= discharged + to_days(follow_up_days('readmissions-national')), false)
         AS died_without_readmission,
       discharged + to_days(follow_up_days('readmissions-national')) <= (SELECT hospital_complete_through FROM data_through)
         AS follow_up_complete
FROM judged;
COMMENT ON MACRO TABLE national_readmission_index_from_episodes IS 'national_readmission_index_from_episodes(area, group): computes national_readmission_index(area, group) from the episodes.';

CREATE TABLE IF NOT EXISTS derived_national_readmission_index AS
SELECT * FROM national_readmission_index_from_episodes('somatikk', 'elleve') LIMIT 0;
COMMENT ON TABLE derived_national_readmission_index IS 'national_readmission_index_from_episodes(''somatikk'', ''elleve''): the indicator''s population, rebuilt after each import.';

-- The materialised population when it is asked for; otherwise computed. The branch not taken is pruned
-- before it runs (its filter is constant once the parameters are bound: measured 11 ms vs 11 s).
CREATE OR REPLACE MACRO national_readmission_index(area, diagnosis_group) AS TABLE
SELECT * FROM derived_national_readmission_index
WHERE area = 'somatikk' AND national_diagnosis_group(diagnosis_group) = 'elleve'
UNION ALL
SELECT * FROM national_readmission_index_from_episodes(area, diagnosis_group)
WHERE NOT (area = 'somatikk' AND national_diagnosis_group(diagnosis_group) = 'elleve');
COMMENT ON MACRO TABLE national_readmission_index IS 'national_readmission_index(area, group): the national variant''s index episodes of a group (NULL/all = elleve), with readmitted (linked to the most recent index episode only, excluded causes and planned episodes never count), died_without_readmission and follow_up_complete.';

CREATE OR REPLACE MACRO readmissions_national_facts(area, diagnosis_group) AS TABLE
SELECT municipality_code, NULL::VARCHAR AS unit, month, age, sex,
       readmitted::INTEGER::DOUBLE AS numerator, 1::DOUBLE AS denominator,
       NULL::VARCHAR AS stay_key, NULL::VARCHAR AS patient_key, NULL::DOUBLE AS cost_nok,
       record_key, NULL::UBIGINT AS nights_key, NULL::UBIGINT AS patient_record_key
FROM national_readmission_index(area, diagnosis_group)
WHERE follow_up_complete AND NOT died_without_readmission;
COMMENT ON MACRO TABLE readmissions_national_facts IS 'readmissions_national_facts(area, group): one row per index episode of the national variant, numerator 1 if readmitted, denominator 1.';
