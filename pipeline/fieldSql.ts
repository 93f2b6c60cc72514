// SQL for one field of an extract: its raw value, its typed value and the first rule it breaks (as a
// sentence, NULL when the value is fine). validate.ts assembles these into one set-based query per
// file; the column's rule is written here once, per type of kinds.ts.
import type { FieldDefinition } from './kinds.ts';
import { sqlString } from './sql-quote.ts';

export interface FieldColumn {
  field: FieldDefinition;
  /** Staged column (c0, c1, …) or null when the (optional) column is absent from the file. */
  column: string | null;
}

/** Dates of extracts.md: YYYY-MM-DD or DD.MM.YYYY, optionally with HH:MM[:SS], or ISO with T. */
const dateFormats = [
  '%Y-%m-%d',
  '%d.%m.%Y',
  '%Y-%m-%d %H:%M',
  '%Y-%m-%d %H:%M:%S',
  '%d.%m.%Y %H:%M',
  '%d.%m.%Y %H:%M:%S',
  '%Y-%m-%dT%H:%M',
  '%Y-%m-%dT%H:%M:%S',
  '%Y-%m-%dT%H:%M:%S.%f',
  '%Y-%m-%d %H:%M:%S.%f',
];
const dateFormatList = `[${dateFormats.map(sqlString).join(', ')}]`;

/** The value without surrounding spaces, NULL when empty. (trim() on every value costs more than
 *  the whole read: only values that start or end with a space are trimmed.) */
export function rawSql({ column }: FieldColumn): string {
  if (!column) return 'NULL::VARCHAR';
  return `CASE WHEN starts_with(${column}, ' ') OR ends_with(${column}, ' ') THEN nullif(trim(${column}), '') ELSE nullif(${column}, '') END`;
}

const integer = (raw: string) => `try_cast(${raw} AS INTEGER)`;

/**
 * A timestamp from the forms of extracts.md. try_strptime with a list of formats is ~30× slower than
 * a cast, so ISO forms are cast, DD.MM.YYYY[ HH:MM[:SS]] is rearranged to ISO and cast, and only
 * anything else goes through the list. A cast refuses impossible dates (2024-02-31) as strptime does.
 */
function timestampSql(raw: string): string {
  return `CASE
    WHEN ${raw} IS NULL THEN NULL
    WHEN ${raw} LIKE '____-%' AND length(${raw}) <= 26 THEN try_cast(${raw} AS TIMESTAMP)
    WHEN ${raw} LIKE '__.__.%' THEN try_cast(substr(${raw}, 7, 4) || '-' || substr(${raw}, 4, 2) || '-' || substr(${raw}, 1, 2) || substr(${raw}, 11) AS TIMESTAMP)
    ELSE try_strptime(${raw}, ${dateFormatList}) END`;
}

/** The typed value, computed from r_<name> (and mc_<name>, code_lookup of the same row). */
export function parsedSql(f: FieldColumn): string {
  const raw = `r_${f.field.name}`;
  const { field } = f;
  switch (field.type) {
    case 'text':
      return raw;
    case 'datetime':
      return timestampSql(raw);
    case 'date':
      return `(${timestampSql(raw)})::DATE`;
    case 'age':
    case 'beds':
    case 'year':
    case 'count':
      return integer(raw);
    case 'sex':
      return `CASE upper(${raw}) WHEN 'M' THEN 'M' WHEN '1' THEN 'M' WHEN 'K' THEN 'K' WHEN '2' THEN 'K' END`;
    case 'urgency':
      return `CASE lower(${raw}) WHEN 'akutt' THEN 'akutt' WHEN '1' THEN 'akutt' WHEN 'planlagt' THEN 'planlagt' WHEN '4' THEN 'planlagt' WHEN '3' THEN 'planlagt' END`;
    case 'diagnosis': {
      const code = `upper(replace(${raw}, '.', ''))`;
      return `CASE WHEN regexp_full_match(${code}, '[A-Z][0-9]{2}[0-9A-Z]{0,5}') THEN ${code} END`;
    }
    case 'municipality':
      return `mc_${field.name}`;
    case 'municipality-list':
      // Each code of the list mapped to its current code; NULL entries for unknown codes.
      return `list_transform(string_split_regex(${raw}, '[,\\s]+'), x -> code_lookup[CASE WHEN length(x) = 3 THEN '0' || x ELSE x END])`;
    case 'age-band':
      return `CASE
        WHEN regexp_full_match(${raw}, '[0-9]{1,3}') THEN {'age_from': ${raw}::INTEGER, 'age_to': ${raw}::INTEGER}
        WHEN regexp_full_match(${raw}, '[0-9]{1,3} *[-–] *[0-9]{1,3}') THEN {'age_from': regexp_extract(${raw}, '^([0-9]+)', 1)::INTEGER, 'age_to': regexp_extract(${raw}, '([0-9]+)$', 1)::INTEGER}
        WHEN regexp_full_match(${raw}, '[0-9]{1,3} *\\+') THEN {'age_from': regexp_extract(${raw}, '^([0-9]+)', 1)::INTEGER, 'age_to': 120} END`;
    case 'service-area':
      return `CASE WHEN ${raw} IS NULL THEN 'somatikk' WHEN lower(${raw}) IN ('somatikk', 'psykisk_helsevern', 'tsb') THEN lower(${raw}) END`;
    case 'discharged-to': {
      const value = `replace(lower(${raw}), 'ø', 'o')`;
      return `CASE WHEN ${value} IN (${(field.codes ?? []).map(sqlString).join(', ')}) THEN ${value} END`;
    }
    case 'rate-year':
      return `CASE WHEN regexp_full_match(${raw}, '[0-9]{4}') THEN ${integer(raw)} END`;
    case 'nok': {
      // 5245, 5245,50, 5 245.50 (spaces, also Intl's no-break ones, between thousands): at most 2 decimals.
      const digits = `replace(regexp_replace(${raw}, '[\\s\\x{00A0}\\x{202F}]', '', 'g'), ',', '.')`;
      return `CASE WHEN regexp_full_match(${digits}, '[0-9]{1,8}([.][0-9]{1,2})?') THEN ${digits}::DECIMAL(10, 2) END`;
    }
  }
}

const quoted = (raw: string) => `'"' || ${raw} || '"'`;
const codesText = (codes: string[]) => codes.join(', ');

/** The first broken rule as a sentence, or NULL. Refers to r_<name>/t_<name> of the same row. */
export function errorSql(f: FieldColumn, now: string): string {
  const { field } = f;
  const raw = `r_${field.name}`;
  const typed = `t_${field.name}`;
  const checks: [condition: string, message: string][] = [];
  if (field.valueRequired) checks.push([`${raw} IS NULL`, `'a value is required'`]);
  const invalid = (message: string) => checks.push([`${raw} IS NOT NULL AND ${typed} IS NULL`, `${quoted(raw)} || ${sqlString(message)}`]);
  switch (field.type) {
    case 'text':
      break;
    case 'datetime':
      invalid(' is not a date (use YYYY-MM-DD or DD.MM.YYYY, optionally followed by HH:MM)');
      checks.push([`${typed} > TIMESTAMP ${sqlString(now)}`, `${quoted(raw)} || ' is in the future (the import ran ${now.slice(0, 16)})'`]);
      break;
    case 'date':
      invalid(' is not a date (use YYYY-MM-DD or DD.MM.YYYY)');
      break;
    case 'age':
      invalid(' is not a whole number of years');
      checks.push([`${typed} NOT BETWEEN 0 AND 120`, `${quoted(raw)} || ' is not an age between 0 and 120'`]);
      break;
    case 'beds':
      invalid(' is not a whole number of beds');
      checks.push([`${typed} <= 0`, `${quoted(raw)} || ' beds: a unit needs at least 1 bed'`]);
      break;
    case 'year':
      invalid(' is not a year');
      checks.push([`${typed} < 1900`, `${quoted(raw)} || ' is not a year from 1900 on'`]);
      // Residents on 1 January of a later year are a projection, not a registration: they must never
      // become a denominator or a standard (projections get their own import; issue 13).
      checks.push([
        `${typed} > ${Number(now.slice(0, 4))}`,
        `${quoted(raw)} || ' is after ${now.slice(0, 4)}, the year of this import: population files hold registered residents on 1 January; projected population (framskriving) cannot be imported as population'`,
      ]);
      break;
    case 'count':
      invalid(' is not a whole number');
      checks.push([`${typed} < 0`, `${quoted(raw)} || ' is negative; a count must be 0 or more'`]);
      break;
    case 'sex':
      invalid(' is not a sex code (use M or K, or NPR 1 = mann, 2 = kvinne)');
      break;
    case 'urgency':
      invalid(' is not an urgency code (use akutt or planlagt, or NPR 1, 4 or 3)');
      break;
    case 'diagnosis':
      invalid(' is not a diagnosis code (ICD-10 like J44.1 or J441, or ICPC-2 like R96)');
      break;
    case 'municipality':
      checks.push([`${raw} IS NOT NULL AND ${typed} IS NULL`, `${quoted(raw)} || ' is not a known municipality number (current or historical)'`]);
      break;
    case 'municipality-list': {
      const unknown = `list_filter(string_split_regex(${raw}, '[,\\s]+'), x -> NOT list_contains(known_codes, CASE WHEN length(x) = 3 THEN '0' || x ELSE x END))`;
      checks.push([`${raw} IS NOT NULL AND len(${unknown}) > 0`, `'unknown municipality number' || CASE WHEN len(${unknown}) > 1 THEN 's ' ELSE ' ' END || array_to_string(${unknown}, ', ') || ' in the list'`]);
      break;
    }
    case 'age-band':
      invalid(' is not an age or age band (use 67, 67-79 or 90+)');
      checks.push([`${typed}.age_from > ${typed}.age_to OR ${typed}.age_to > 120`, `${quoted(raw)} || ' is not an age band within 0–120'`]);
      break;
    case 'service-area':
      invalid(' is not a service area (use somatikk, psykisk_helsevern or tsb)');
      break;
    case 'discharged-to':
      invalid(` is not a destination (use ${codesText(field.codes ?? [])})`);
      break;
    case 'rate-year':
      invalid(' is not a year (use four digits, e.g. 2025)');
      checks.push([`${typed} NOT BETWEEN 1900 AND 2100`, `${quoted(raw)} || ' is not a year between 1900 and 2100'`]);
      break;
    case 'nok':
      invalid(' is not a number (give kroner per day, e.g. 5245 or 5245,50)');
      checks.push([`${typed} <= 0`, `${quoted(raw)} || ' is not a positive number of kroner'`]);
      break;
  }
  checks.push(...crossFieldChecks(field.name));
  if (checks.length === 0) return 'NULL::VARCHAR'; // an optional text (kilde): nothing to break
  return `CASE ${checks.map(([condition, message]) => `WHEN ${condition} THEN ${message}`).join(' ')} END`;
}

/** Rules between fields, reported on the later field. Only when both values are valid. */
function crossFieldChecks(name: string): [string, string][] {
  const before = (later: string, earlier: string): [string, string] => [
    `t_${later} < t_${earlier}`,
    `'"' || r_${later} || '" is before ${earlier} "' || r_${earlier} || '"'`,
  ];
  switch (name) {
    case 'utskrevet':
      return [before('utskrevet', 'innskrevet')];
    case 'utskrivningsklar':
      return [
        before('utskrivningsklar', 'innskrevet'),
        [`t_utskrivningsklar > t_utskrevet`, `'"' || r_utskrivningsklar || '" is after utskrevet "' || r_utskrevet || '"'`],
      ];
    case 'gyldig_til':
      return [before('gyldig_til', 'gyldig_fra')];
    default:
      return [];
  }
}
