-- Data through: the latest time stamp (admission, discharge or ready-for-discharge) in the hospital
-- extracts. Stays without a discharge are still in hospital at that time, and the readmission
-- indicator only counts index episodes whose 30-day follow-up ends on or before it. KAD extracts
-- have their own data-through time (latest KAD admission or discharge): open KAD stays count their
-- nights up to it, and unit beds without an end date are counted up to it.
CREATE OR REPLACE VIEW data_through AS
SELECT
  (SELECT greatest(max(admitted), max(discharged), max(ready_for_discharge)) FROM hospital_stay) AS hospital_data_through,
  (SELECT greatest(max(admitted), max(discharged)) FROM kad_stay) AS kad_data_through;
COMMENT ON VIEW data_through IS 'One row: hospital_data_through = latest admission, discharge or ready-for-discharge time in hospital_stay; kad_data_through = latest admission or discharge in kad_stay.';
