-- Episodes (sykehusopphold): stays of the same patient are merged into one episode when the next
-- stay starts before the previous one ends or within 8 hours after its discharge, across all
-- hospitals (transfers). An episode's admission is its first admission and its discharge the last
-- discharge (NULL while a stay is still open); municipality, age, sex, main diagnosis and service
-- area are the first stay's; it is acute if any of its stays is acute; discharged_to is the last
-- stay's. An episode is identified by patient_id and admitted. episodes(area) merges the stays of one service area ('all' = every stay); the view
-- episode is episodes('all'). episodes_from_stays(area) computes them from hospital_stay; episodes(area)
-- reads the same rows from derived_episode, which refreshDerived() rebuilds after every import.
CREATE OR REPLACE MACRO episodes_from_stays(area) AS TABLE
WITH stay AS (
  -- Only the columns an episode needs: the window sorts every column it carries.
  SELECT patient_id, admitted, discharged, coalesce(discharged, TIMESTAMP 'infinity') AS ends, municipality_code,
         age, sex, main_diagnosis, service_area, urgency, discharged_to
  FROM hospital_stay
  WHERE area = 'all' OR service_area = area
),
-- One pass over each patient's stays in order of admission (then end; stays that tie on both merge
-- whichever comes first): a stay starts an episode when it is admitted more than 8 hours after every
-- earlier stay has ended, and ends one when the next stay is admitted more than 8 hours after every
-- stay so far has ended.
flagged AS MATERIALIZED (
  SELECT *,
         previous_end IS NULL OR admitted > previous_end + INTERVAL 8 HOUR AS starts_episode,
         next_admitted IS NULL OR next_admitted > end_so_far + INTERVAL 8 HOUR AS ends_episode
  FROM (
    SELECT *,
           max(ends) OVER (PARTITION BY patient_id ORDER BY admitted, ends
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_end,
           max(ends) OVER (PARTITION BY patient_id ORDER BY admitted, ends ROWS UNBOUNDED PRECEDING) AS end_so_far,
           lead(admitted) OVER (PARTITION BY patient_id ORDER BY admitted, ends) AS next_admitted
    FROM stay
  )
),
-- Most episodes are a single stay and are taken as they are; only the stays of multi-stay episodes
-- are numbered and grouped (a GROUP BY over millions of one-row groups costs more than the merge).
multi AS (
  SELECT *, sum(starts_episode::INTEGER) OVER (PARTITION BY patient_id ORDER BY admitted, ends ROWS UNBOUNDED PRECEDING) AS episode_in_patient
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
       nullif(max(ends), TIMESTAMP 'infinity') AS discharged,
       arg_min(municipality_code, admitted) AS municipality_code,
       arg_min(age, admitted) AS age,
       arg_min(sex, admitted) AS sex,
       arg_min(main_diagnosis, admitted) AS main_diagnosis,
       arg_min(service_area, admitted) AS service_area,
       bool_or(urgency = 'akutt') AS acute,
       arg_max(discharged_to, ends) AS discharged_to,
       count(*)::INTEGER AS stays
FROM multi
GROUP BY patient_id, episode_in_patient;
COMMENT ON MACRO TABLE episodes_from_stays IS 'episodes_from_stays(area): hospital stays of a service area (''all'', ''somatikk'', ''psykisk_helsevern'', ''tsb'') merged into episodes (8-hour rule across hospitals), computed from hospital_stay.';

-- Materialised: the merge is a window over every stay, too slow to repeat per dashboard request.
CREATE TABLE IF NOT EXISTS derived_episode AS
SELECT 'all'::VARCHAR AS episode_area, * FROM episodes_from_stays('all') LIMIT 0;
COMMENT ON TABLE derived_episode IS 'episodes_from_stays(area) for every service area (episode_area = all, somatikk, psykisk_helsevern, tsb), rebuilt after each import.';

CREATE OR REPLACE MACRO episodes(area) AS TABLE
SELECT * EXCLUDE (episode_area) FROM derived_episode WHERE episode_area = area;
COMMENT ON MACRO TABLE episodes IS 'episodes(area): hospital stays of a service area (''all'', ''somatikk'', ''psykisk_helsevern'', ''tsb'') merged into episodes (8-hour rule across hospitals).';

CREATE OR REPLACE VIEW episode AS SELECT * FROM episodes('all');
COMMENT ON VIEW episode IS 'Hospital episodes (sykehusopphold) of all service areas: stays of a patient merged when the next starts within 8 hours of the previous discharge. Acute if any stay is acute.';
