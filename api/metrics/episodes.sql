-- Episodes (sykehusopphold): stays of the same patient are merged into one episode when the next
-- stay starts before the previous one ends or within 8 hours after its discharge, across all
-- hospitals (transfers). A stay still open (no discharge) ends, for merging, at its own hospital's
-- data through (hospital_source_data_through): a later stay at a hospital whose extract goes further
-- is a new episode, not part of the open one. An episode's admission is its first admission and its
-- discharge the last discharge (NULL while any of its stays is still open); municipality, age, sex,
-- main diagnosis and service area are the first stay's; it is acute if any of its stays is acute;
-- discharged_to is the stay that ends last. Stays are ordered by admission, end, hospital and stay id
-- (the natural key), so stays with identical times always merge into one episode, whatever order
-- the rows are read in. An episode is identified by patient_id and admitted. episodes(area) merges
-- the stays of one service area ('all' = every stay); the view episode is episodes('all').
-- episodes_from_stays(area) computes them from hospital_stay; episodes(area) reads the same rows from
-- derived_episode, which refreshDerived() rebuilds after every import.
--
-- nb: Sykehusopphold: opphold for samme pasient slås sammen når det neste begynner før det forrige
-- slutter eller innen 8 timer etter utskrivning, også mellom sykehus (overføringer). Et opphold uten
-- utskrivning slutter, ved sammenslåing, på datoen dataene fra sitt eget sykehus går til. Oppholdet
-- får første innleggelse og siste utskrivning (ingen så lenge et av oppholdene pågår), kommune, alder,
-- kjønn, hoveddiagnose og tjenesteområde fra første opphold, er akutt om et av oppholdene er akutt, og
-- utskrevet til fra oppholdet som slutter sist. Opphold med samme tider ordnes etter sykehus og
-- opphold-id, så de alltid blir ett sykehusopphold.
CREATE OR REPLACE MACRO episodes_from_stays(area) AS TABLE
WITH stay AS (
  -- Only the columns an episode needs: the window sorts every column it carries.
  SELECT s.patient_id, s.hospital, s.stay_id, s.admitted, s.discharged,
         coalesce(s.discharged, source.data_through) AS ends, s.municipality_code,
         s.age, s.sex, s.main_diagnosis, s.service_area, s.urgency, s.discharged_to
  FROM hospital_stay s JOIN hospital_source_data_through source ON source.source = s.hospital
  WHERE area = 'all' OR s.service_area = area
),
-- One pass over each patient's stays in order of admission, then end, then (hospital, stay id), a
-- unique key so that every window sees the same order: a stay starts an episode when it is admitted
-- more than 8 hours after every earlier stay has ended, and ends one when the next stay is admitted
-- more than 8 hours after every stay so far has ended. Stays with identical times are neighbours in
-- that order, and the second is admitted no later than the first ends, so they merge.
flagged AS MATERIALIZED (
  SELECT *,
         previous_end IS NULL OR admitted > previous_end + INTERVAL 8 HOUR AS starts_episode,
         next_admitted IS NULL OR next_admitted > end_so_far + INTERVAL 8 HOUR AS ends_episode
  FROM (
    SELECT *,
           max(ends) OVER in_order_before AS previous_end,
           max(ends) OVER in_order_so_far AS end_so_far,
           lead(admitted) OVER in_order AS next_admitted,
           row_number() OVER in_order AS stay_order
    FROM stay
    WINDOW in_order AS (PARTITION BY patient_id ORDER BY admitted, ends, hospital, stay_id),
           in_order_so_far AS (in_order ROWS UNBOUNDED PRECEDING),
           in_order_before AS (in_order ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
  )
),
-- Most episodes are a single stay and are taken as they are; only the stays of multi-stay episodes
-- are numbered and grouped (a GROUP BY over millions of one-row groups costs more than the merge).
-- Numbered in the same order as flagged (stay_order), never re-sorted on times that may tie.
multi AS (
  SELECT *, sum(starts_episode::INTEGER) OVER (PARTITION BY patient_id ORDER BY stay_order ROWS UNBOUNDED PRECEDING) AS episode_in_patient
  FROM flagged
  WHERE NOT (starts_episode AND ends_episode)
)
SELECT patient_id, admitted, discharged, municipality_code, age, sex,
       main_diagnosis, service_area, urgency = 'akutt' AS acute, discharged_to, 1 AS stays
FROM flagged
WHERE starts_episode AND ends_episode
UNION ALL
SELECT patient_id,
       min(admitted) AS admitted,
       CASE WHEN bool_and(discharged IS NOT NULL) THEN max(discharged) END AS discharged,
       arg_min(municipality_code, stay_order) AS municipality_code,
       arg_min(age, stay_order) AS age,
       arg_min(sex, stay_order) AS sex,
       arg_min(main_diagnosis, stay_order) AS main_diagnosis,
       arg_min(service_area, stay_order) AS service_area,
       bool_or(urgency = 'akutt') AS acute,
       arg_max(discharged_to, (ends, stay_order)) AS discharged_to,
       count(*)::INTEGER AS stays
FROM multi
GROUP BY patient_id, episode_in_patient;
COMMENT ON MACRO TABLE episodes_from_stays IS 'episodes_from_stays(area): hospital stays of a service area (''all'', ''somatikk'', ''psykisk_helsevern'', ''tsb'') merged into episodes (8-hour rule across hospitals), computed from hospital_stay.';

-- Materialised: the merge is a window over every stay, too slow to repeat per dashboard request.
-- record_key: the episode's record key for protected figures (docs/disclosure-control.md), computed
-- from a secret kept outside the warehouse when the table is rebuilt (api/metrics/derived.ts);
-- patient_record_key: the patient's key (distinct patients with an episode, e.g. projected per diagnosis group).
CREATE TABLE IF NOT EXISTS derived_episode AS
SELECT 'all'::VARCHAR AS episode_area, *, NULL::UBIGINT AS record_key, NULL::UBIGINT AS patient_record_key FROM episodes_from_stays('all') LIMIT 0;
COMMENT ON TABLE derived_episode IS 'episodes_from_stays(area) for every service area (episode_area = all, somatikk, psykisk_helsevern, tsb), rebuilt after each import; record_key = the episode''s key, patient_record_key its patient''s key, for protected figures.';

CREATE OR REPLACE MACRO episodes(area) AS TABLE
SELECT * EXCLUDE (episode_area) FROM derived_episode WHERE episode_area = area;
COMMENT ON MACRO TABLE episodes IS 'episodes(area): hospital stays of a service area (''all'', ''somatikk'', ''psykisk_helsevern'', ''tsb'') merged into episodes (8-hour rule across hospitals).';

CREATE OR REPLACE VIEW episode AS SELECT * FROM episodes('all');
COMMENT ON VIEW episode IS 'Hospital episodes (sykehusopphold) of all service areas: stays of a patient merged when the next starts within 8 hours of the previous discharge. Acute if any stay is acute.';
