// Rows DuckDB's CSV reader could not read (store_rejects: too few or too many values, an unterminated
// quote, bytes that are not text): one problem per record, with the file's own line number and a
// sentence naming what is wrong, like every row rule of fieldSql.ts. validate.ts runs this SQL.
import { deliveredLineSql } from './blank-lines.ts';
import { sqlString } from './sql-quote.ts';

/**
 * One row per rejected record of `import_reject_errors` → temp table `structural`:
 *  - j (0-based record order), duck_line (DuckDB's line: records, not lines), error_type, column_name
 *    of the first problem (a short row reports every missing column, each on the same byte: the
 *    first by column index is the first missing one);
 *  - values_found: DuckDB reports a short row once per missing column ("Found: 4", "Found: 5", …)
 *    and a long row once per extra value ("Found: 13", "Found: 14"), so the row's own count is the
 *    smallest of the first and the largest of the second;
 *  - raw_line: the record as delivered. DuckDB prefixes it with the "\n" of the previous CRLF;
 *  - record_nl: newlines inside the record's quoted values (they move the lines of later rows).
 */
export function structuralSql(hasQuotes: boolean): string {
  const rawLine = `CASE WHEN starts_with(csv_line, chr(10)) THEN substr(csv_line, 2) ELSE csv_line END`;
  return `CREATE OR REPLACE TEMP TABLE structural AS
    SELECT row_number() OVER (ORDER BY line) - 1 AS j, line AS duck_line, column_name, error_type, error_message,
      CASE error_type WHEN 'MISSING COLUMNS' THEN fewest WHEN 'TOO MANY COLUMNS' THEN most END AS values_found,
      raw_line, ${hasQuotes ? `length(raw_line) - length(replace(raw_line, chr(10), ''))` : '0'} AS record_nl
    FROM (
      SELECT *, ${rawLine} AS raw_line,
        row_number() OVER (PARTITION BY line ORDER BY byte_position, column_idx) AS nth,
        min(found) OVER (PARTITION BY line, error_type) AS fewest,
        max(found) OVER (PARTITION BY line, error_type) AS most
      FROM (SELECT *, try_cast(regexp_extract(error_message, 'Found: (\\d+)', 1) AS INTEGER) AS found FROM import_reject_errors)
    )
    WHERE nth = 1`;
}

/**
 * The file's own line numbers when DuckDB rejected rows. DuckDB numbers rejected records by record
 * (ignoring newlines inside quotes) and good rows not at all. With nl_r(j) the newlines inside the
 * rejected records before record j, good row k (file order) starts on
 *   2 + k + (newlines inside earlier good rows) + (rejected records before it) + (their newlines),
 * and rejected record j, which DuckDB puts on duck_line_j with g_j = duck_line_j − 2 − j good rows
 * before it, on duck_line_j + (newlines inside the first g_j good rows) + nl_r(j). The newline sums
 * are windows (only when the file has quotes at all); the rejected records before k an ASOF join
 * on `rejected_before` (g, n records and nl their newlines).
 */
export function structuralLinesSql(
  hasQuotes: boolean,
  columns: (string | null)[],
  any: boolean,
  removed: readonly number[],
): string {
  if (!any) return `CREATE OR REPLACE TEMP TABLE structural_lined (line BIGINT, column_name VARCHAR, message VARCHAR, raw_line VARCHAR)`;
  // An aggregate, so one row even when no good row precedes the record. (Without quotes there is
  // nothing to add: a bare `SELECT 0 FROM staged WHERE …` here once returned one row per earlier
  // good row and failed every file whose short row came after two good ones.)
  const newlinesBefore = hasQuotes
    ? ` + coalesce((SELECT sum(nl) FROM staged WHERE rowid < s.duck_line - 2 - s.j), 0) + s.record_nl_before`
    : '';
  const columnName = `CASE x.column_name ${columns.map((c, i) => `WHEN 'c${i}' THEN ${sqlString(c ?? `column ${i + 1}`)}`).join(' ')} END`;
  return `
    CREATE OR REPLACE TEMP TABLE rejected_before AS
      SELECT duck_line - 2 - j AS g, max(j) + 1 AS n, max(record_nl_through) AS nl
      FROM (SELECT *, sum(record_nl) OVER (ORDER BY j) AS record_nl_through FROM structural) GROUP BY g;
    CREATE OR REPLACE TEMP TABLE structural_lined AS
      SELECT ${deliveredLineSql('x.staged_line', removed)} AS line,
             CASE WHEN x.error_type = 'TOO MANY COLUMNS' THEN NULL ELSE ${columnName} END AS column_name,
             ${structuralMessage('x', columns.length)} AS message, x.raw_line
      FROM (SELECT *, duck_line${newlinesBefore} AS staged_line
            FROM (SELECT *, coalesce(sum(record_nl) OVER (ORDER BY j ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS record_nl_before
                  FROM structural) s) x;`;
}

/** Line of good row s.k (see above); rb is the ASOF-joined rejected_before when there are rejects. */
export function goodLineSql(hasQuotes: boolean, hasStructural: boolean): string {
  const rejected = hasStructural ? ` + coalesce(rb.n, 0)${hasQuotes ? ' + coalesce(rb.nl, 0)' : ''}` : '';
  return `2 + s.k${hasQuotes ? ' + s.nl_before' : ''}${rejected}`;
}

function structuralMessage(alias: string, expected: number): string {
  const count = `${alias}.values_found || CASE WHEN ${alias}.values_found = 1 THEN ' value' ELSE ' values' END || ' instead of ${expected}'`;
  return `CASE
    WHEN ${alias}.error_type = 'MISSING COLUMNS' THEN 'the row has ' || ${count} || ' (a value or a delimiter is missing)'
    WHEN ${alias}.error_type = 'TOO MANY COLUMNS' THEN 'the row has ' || ${count} || ' (an unquoted value containing the delimiter?)'
    WHEN ${alias}.error_type = 'UNQUOTED VALUE' OR ${alias}.error_message LIKE '%unterminated quote%' THEN 'a quote (") opens a value that is never closed; the rest of the file cannot be read reliably'
    WHEN ${alias}.error_type = 'INVALID UNICODE' OR ${alias}.error_type = 'INVALID ENCODING' THEN 'the line contains bytes that are not text in the detected encoding'
    ELSE 'the row cannot be read as CSV: ' || ${alias}.error_message END`;
}
