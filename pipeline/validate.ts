// Reading and checking a staged file in one set-based pass inside DuckDB (no JavaScript per row):
//  1. read_csv with the detected dialect (auto_detect=false), every column VARCHAR, store_rejects
//     for structural errors (ragged rows, unterminated quotes; lines and messages in structural.ts)
//     → temp table `staged` in file order;
//  2. typed values, the first broken rule per field (fieldSql.ts) and ok, as a query over `staged`
//     (typedSql) that load.ts inserts from directly, with the file's own line numbers;
//  3. duplicate natural keys → `duplicate`; every problem → temp table `rejected`.
// All tables are TEMP on the import's own connection, so nothing here is visible to readers.
import { deliveredLineSql } from './blank-lines.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Delimiter } from './detect.ts';
import type { KindDefinition } from './kinds.ts';
import { errorSql, parsedSql, rawSql, type FieldColumn } from './fieldSql.ts';
import { sqlString } from './sql-quote.ts';
import { goodLineSql, structuralLinesSql, structuralSql } from './structural.ts';

export interface ValidationInput {
  stagedPath: string;
  delimiter: Delimiter;
  definition: KindDefinition;
  /** Canonical field name (or null) for each header position. */
  columns: (string | null)[];
  /** The file contains a double quote: values may hold newlines, so count them. */
  hasQuotes: boolean;
  /** Local time of the import, 'YYYY-MM-DD HH:MM:SS': later dates are "in the future". */
  now: string;
  /** Empty lines of the delivered file that staging dropped (blank-lines.ts): line numbers count them. */
  removedLines?: readonly number[];
}

/** A staged file, ready to be inserted: `typedSql` yields one row per good-shaped record. */
export interface StagedSource {
  definition: KindDefinition;
  /** Records DuckDB could read (good shape); structurally rejected ones are in structural_lined. */
  rowsStaged: number;
  rowsStructural: number;
  /**
   * SELECT … FROM staged: line, k, t_<field> (typed), r_<field> (as delivered, non-text fields),
   * mappable_<field>, ok, and for bad rows only errors (list of {ord, column_name, message}) and
   * raw_line. Evaluated where needed instead of materialised: materialising 2 M wide rows costs
   * more than computing them.
   */
  typedSql: string;
  /** Natural-key expressions over typedSql's columns. */
  key: string[];
}

/** Step 1: read the file into `staged`, record structural rejects with their lines. */
export async function stageCsv(connection: DuckDBConnection, input: ValidationInput): Promise<StagedSource> {
  const { definition } = input;
  const run = timed(connection);
  const count = async (sql: string) => Number((await connection.runAndReadAll(sql)).getRows()[0]![0]);
  await run(`CREATE OR REPLACE TEMP TABLE code_map AS SELECT * FROM municipality_code_map`);
  await run(readIntoStagedSql(input));
  // One structural problem per record (an unterminated quote also reports the columns it swallowed).
  await run(structuralSql(input.hasQuotes));
  const rowsStructural = await count('SELECT count(*) FROM structural');
  await run(structuralLinesSql(input.hasQuotes, input.columns, rowsStructural > 0, input.removedLines ?? []));
  return {
    definition,
    rowsStaged: await count('SELECT count(*) FROM staged'),
    rowsStructural,
    typedSql: typedRowsSql(input, rowsStructural > 0),
    key: definition.naturalKey.map((name) => keyExpression(definition, name)),
  };
}

/** The staged file's header positions as columns c0, c1, … */
const stagedColumns = (input: ValidationInput) => input.columns.map((_, i) => `c${i}`);

/** Each field of the kind with its staged column (null when the file lacks it). */
function fieldColumnsOf({ definition, columns }: ValidationInput): FieldColumn[] {
  return definition.fields.map((f) => {
    const index = columns.indexOf(f.name);
    return { field: f, column: index >= 0 ? `c${index}` : null };
  });
}

/** Reads every value as text into the temp table `staged`, with the newlines inside each record. */
function readIntoStagedSql(input: ValidationInput): string {
  const header = stagedColumns(input);
  // Newlines inside quoted values of a row, so that later rows get the file's own line number.
  const newlines = input.hasQuotes
    ? header.map((c) => `coalesce(length(${c}) - length(replace(${c}, chr(10), '')), 0)`).join(' + ')
    : '0';
  // A parallel read keeps file order in the table (preserve_insertion_order), so rowid numbers the
  // good rows. (row_number() OVER () on read_csv would too, but runs the whole query on one thread.)
  return `CREATE OR REPLACE TEMP TABLE staged AS
    SELECT *, (${newlines})::INTEGER AS nl
    FROM read_csv(${sqlString(input.stagedPath)}, auto_detect = false, header = true,
      delim = ${sqlString(input.delimiter)}, quote = '"', escape = '"',
      columns = {${header.map((c) => `'${c}': 'VARCHAR'`).join(', ')}}, store_rejects = true,
      rejects_table = 'import_reject_errors', rejects_scan = 'import_reject_scans')`;
}

/** The query over `staged` that StagedSource.typedSql describes. */
function typedRowsSql(input: ValidationInput, hasStructuralRejects: boolean): string {
  const header = stagedColumns(input);
  const fields = fieldColumnsOf(input);
  const muniFields = fields.filter((f) => f.field.type === 'municipality' && f.column);
  const hasList = fields.some((f) => f.field.type === 'municipality-list');
  const removed = input.removedLines ?? [];
  const numbered = `(SELECT *, rowid AS k, ${
    input.hasQuotes ? 'coalesce(sum(nl) OVER (ORDER BY rowid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)' : '0'
  } AS nl_before FROM staged)`;
  // Level 0: line and raw values. Level 1: municipality look-ups. Level 2: typed values. Level 3: errors.
  const level0 = [...header, ...fields.map((f) => `${rawSql(f)} AS r_${f.field.name}`)].join(', ');
  const joins = muniFields
    .map((f) => `LEFT JOIN code_map m_${f.field.name} ON m_${f.field.name}.code = ${municipalityCode(`s.r_${f.field.name}`)}`)
    .join('\n');
  const level1 = [
    's.*',
    ...muniFields.map((f) => `m_${f.field.name}.current_code AS mc_${f.field.name}, coalesce(m_${f.field.name}.mappable, true) AS mappable_${f.field.name}`),
    ...(hasList ? ['known_codes', 'code_lookup'] : []),
  ].join(', ');
  const level2 = fields.map((f) => `${parsedSql(f)} AS t_${f.field.name}`).join(',\n      ');
  const level3 = fields.map((f) => `${errorSql(f, input.now)} AS e_${f.field.name}`).join(',\n    ');
  const errorColumns = fields.map((f) => `e_${f.field.name}`);
  // Text fields are their raw value; keep raw values only where they differ (codes, dates).
  const dropped = [
    ...header,
    ...fields.filter((f) => f.field.type === 'text').map((f) => `r_${f.field.name}`),
    ...muniFields.map((f) => `mc_${f.field.name}`),
    ...(hasList ? ['known_codes', 'code_lookup'] : []),
    ...errorColumns,
  ];
  const errorList = `list_filter([${fields
    .map((f, i) => `{'ord': ${i + 1}, 'column_name': ${sqlString(f.field.name)}, 'message': e_${f.field.name}}`)
    .join(', ')}], e -> e.message IS NOT NULL)`;
  const rawLine = `concat_ws(${sqlString(input.delimiter)}, ${header.map((c) => `coalesce(${c}, '')`).join(', ')})`;
  return `
    SELECT * EXCLUDE (${dropped.join(', ')}),
      CASE WHEN NOT ok THEN ${errorList} END AS errors,
      CASE WHEN NOT ok THEN ${rawLine} END AS raw_line
    FROM (
      SELECT *, ${errorColumns.map((e) => `${e} IS NULL`).join(' AND ')} AS ok
      FROM (
        SELECT *, ${level3}
        FROM (
          SELECT *, ${level2}
          FROM (
            SELECT ${level1}
            FROM (
              SELECT ${deliveredLineSql(goodLineSql(input.hasQuotes, hasStructuralRejects), removed)} AS line, s.k, ${level0}
              FROM ${numbered} s ${hasStructuralRejects ? 'ASOF LEFT JOIN rejected_before rb ON s.k >= rb.g' : ''}
            ) s
            ${joins}
            ${hasList ? 'CROSS JOIN (SELECT list(code) AS known_codes, map(list(code), list(current_code)) AS code_lookup FROM code_map)' : ''}
          )
        )
      )
    )`;
}

/**
 * Step 2: every problem of the file → temp table `rejected` (line, column_name, message, raw_line).
 * `rowErrors` false skips re-evaluating the rules when the caller knows every row was ok.
 * Returns the number of rejected lines and the lines of later duplicates.
 */
export async function collectRejected(
  connection: DuckDBConnection,
  source: StagedSource,
  rowErrors: boolean,
  /** The rows just inserted (inside the import's transaction): find duplicates there, cheaper than re-evaluating. */
  inserted?: { table: string; key: string[]; importId: number },
): Promise<{ rejectedLines: number; duplicates: number }> {
  const run = timed(connection);
  const { key, definition } = source;
  // Duplicates among the rows that pass the row rules (a bad first occurrence is rejected anyway).
  const keyed = inserted
    ? `SELECT source_line AS line, ${inserted.key.map((k, i) => `${k} AS k${i}`).join(', ')} FROM ${inserted.table} WHERE import_id = ${inserted.importId}`
    : `SELECT line, ${key.map((k, i) => `${k} AS k${i}`).join(', ')} FROM (${source.typedSql}) WHERE ok`;
  const keyColumns = (inserted?.key ?? key).map((_, i) => `k${i}`).join(', ');
  // Grouping 2 M rows by one 64-bit hash is cheaper than by the key's strings; the few rows whose
  // hash repeats are then compared by the key itself.
  await run(`CREATE OR REPLACE TEMP TABLE duplicate AS
    WITH keyed AS (${keyed}),
    repeated_hash AS (SELECT hash(${keyColumns}) AS h FROM keyed GROUP BY ALL HAVING count(*) > 1),
    suspect AS (SELECT * FROM keyed WHERE hash(${keyColumns}) IN (SELECT h FROM repeated_hash)),
    repeated AS (SELECT ${keyColumns}, min(line) AS first_line FROM suspect GROUP BY ALL HAVING count(*) > 1)
    SELECT c.line, r.first_line FROM suspect c JOIN repeated r USING (${keyColumns})
    WHERE c.line > r.first_line`);
  const keyNames = definition.naturalKey.join(', ');
  await run(`CREATE OR REPLACE TEMP TABLE rejected AS
    SELECT line, column_name, message, raw_line, ord FROM (
      SELECT line, column_name, message, raw_line, 0 AS ord FROM structural_lined
      ${rowErrors ? `UNION ALL
      SELECT line, e.column_name, e.message, raw_line, e.ord FROM (SELECT line, raw_line, unnest(errors) AS e FROM (${source.typedSql}) WHERE NOT ok)` : ''}
      UNION ALL
      SELECT d.line, ${sqlString(definition.naturalKey.at(-1)!)}, 'the same ${keyNames} as line ' || d.first_line || ' (each may appear only once in a file)', NULL, 1000
      FROM duplicate d
    ) ORDER BY line, ord`);
  const [rejectedLines, duplicates] = (
    await connection.runAndReadAll('SELECT (SELECT count(DISTINCT line) FROM rejected), (SELECT count(*) FROM duplicate)')
  ).getRows()[0]!;
  return { rejectedLines: Number(rejectedLines), duplicates: Number(duplicates) };
}

/** Old 3-digit codes lost their leading zero in a spreadsheet: 301 → 0301. (A non-digit 3-character
 *  value gets a zero too and still matches no code; no regular expression on the hot path.) */
function municipalityCode(raw: string): string {
  return `CASE WHEN length(${raw}) = 3 THEN '0' || ${raw} ELSE ${raw} END`;
}

/** The natural key on typed values (so `M` and `1` are the same sex, 67-79 one band). */
function keyExpression(definition: KindDefinition, name: string): string {
  if (definition.kind === 'befolkning' && name === 'kommunenr') return 'r_kommunenr';
  if (definition.kind === 'befolkning' && name === 'alder') return 't_alder';
  return `t_${name}`;
}

/** connection.run, with each statement's time on stderr when STYRINGSDATA_IMPORT_PROFILE is set. */
export function timed(connection: DuckDBConnection): (sql: string) => Promise<unknown> {
  if (!process.env.STYRINGSDATA_IMPORT_PROFILE) return (sql) => connection.run(sql);
  return async (sql) => {
    const start = performance.now();
    const result = await connection.run(sql);
    process.stderr.write(`${((performance.now() - start) / 1000).toFixed(2)} s  ${sql.replace(/\s+/g, ' ').slice(0, 90)}\n`);
    if (process.env.STYRINGSDATA_IMPORT_PROFILE === 'sql') process.stderr.write(`${sql}\n`);
    return result;
  };
}
