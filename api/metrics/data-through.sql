-- Data through, per source: each hospital (behandlingssted, the hospital column of the extract and
-- half of a stay's natural key) delivers its own extract, and its data through is the latest time
-- stamp (admission, discharge or ready-for-discharge) among its stays. A stay without a discharge is
-- still in hospital at its own hospital's data through: open stays count discharge-ready nights up to
-- that date and end there when stays are merged into episodes. A readmission may happen at any
-- hospital, so the 30-day follow-up of a discharge is complete only when every hospital's data
-- reaches discharge + 30 days (hospital_complete_through, the earliest source). hospital_data_through
-- is the latest of them, the end of the periods shown. KAD extracts have their own data-through
-- time (latest KAD admission or discharge): open KAD stays count their nights up to it, and unit
-- beds without an end date are counted up to it.
--
-- nb: Data til og med, per kilde: hvert behandlingssted leverer sitt eget uttrekk, og dataene derfra
-- går til det seneste tidspunktet (innleggelse, utskrivning eller utskrivningsklar) blant dets
-- opphold. Et opphold uten utskrivning pågår fram til datoen dataene fra eget behandlingssted går
-- til. En reinnleggelse kan skje ved et hvilket som helst sykehus, så oppfølgingen på 30 dager er
-- komplett først når dataene fra alle behandlingssteder går til utskrivning + 30 dager. KAD-uttrekkene
-- har sin egen dato (seneste innleggelse eller utskrivning i KAD).
CREATE OR REPLACE VIEW hospital_source_data_through AS
SELECT hospital AS source, greatest(max(admitted), max(discharged), max(ready_for_discharge)) AS data_through
FROM hospital_stay
GROUP BY hospital;
COMMENT ON VIEW hospital_source_data_through IS 'One row per hospital (source = behandlingssted): data_through = latest admission, discharge or ready-for-discharge time among its stays.';

CREATE OR REPLACE VIEW data_through AS
SELECT
  (SELECT max(data_through) FROM hospital_source_data_through) AS hospital_data_through,
  (SELECT min(data_through) FROM hospital_source_data_through) AS hospital_complete_through,
  (SELECT greatest(max(admitted), max(discharged)) FROM kad_stay) AS kad_data_through;
COMMENT ON VIEW data_through IS 'One row: hospital_data_through = the latest hospital''s data through; hospital_complete_through = the earliest (every hospital''s extract reaches it); kad_data_through = latest admission or discharge in kad_stay.';
