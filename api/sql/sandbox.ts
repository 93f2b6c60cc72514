// The statement check for analyst SQL. DuckDB decides, never a regular expression: its parser counts
// the statements, json_serialize_sql() gives the parse tree, and the walk below allows only the
// documented tables/views (catalog.ts), the query's own CTEs in scope, a few table functions and no
// risky scalar function. This runs BEFORE prepare(), because prepare() binds and binding
// read_csv('x') already opens the file. After prepare the caller also checks the statement type.
// Why both this and lockDown(): a SELECT alone can read files (read_text, 'file.csv' as a table,
// glob), read settings, bump sequences or — DuckDB 1.5.6 bug — write files via enable_logging, which
// ignores the configuration lock (shared/spec/engineering-notes.md).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Allowlist } from './catalog.ts';
import { SqlProblem } from './errors.ts';

/** Scalar functions refused anywhere in a query: they read settings or state, write, sleep or run SQL. */
const deniedFunctions = new Set([
  'current_setting', 'getvariable', 'nextval', 'currval', 'setval', 'getenv',
  'write_log', 'sleep_ms', 'pg_sleep', 'query', 'query_table', 'glob', 'sniff_csv',
  'json_serialize_sql', 'json_deserialize_sql', 'json_serialize_plan', 'json_execute_serialized_sql',
  'checkpoint', 'force_checkpoint', 'current_query', 'current_query_id', 'parse_duckdb_log_message',
  'sql_auto_complete', 'which_secret', 'arrow_scan', 'arrow_scan_dumb', 'seq_scan', 'summary',
]);
/** Families refused by prefix: file readers/writers, engine metadata, logging/profiling switches. */
const deniedPrefixes = ['read_', 'write_', 'duckdb_', 'pragma_', 'parquet_', 'enable_', 'disable_', 'truncate_', 'test_', 'icu_calendar'];

function functionDenied(name: string): boolean {
  return deniedFunctions.has(name) || deniedPrefixes.some((prefix) => name.startsWith(prefix));
}

/** Table reference kinds a read-only query may contain. Unknown kinds are refused (fail closed). */
const allowedTableRefs = new Set(['BASE_TABLE', 'TABLE_FUNCTION', 'SUBQUERY', 'JOIN', 'EXPRESSION_LIST', 'EMPTY', 'PIVOT', 'SHOW_REF']);

export interface CheckedStatement {
  /** 'explain' when the statement is EXPLAIN <query>; the query itself was checked. */
  kind: 'query' | 'explain';
}

const onlyReads =
  'Only one read-only statement is allowed: SELECT/WITH/FROM, DESCRIBE, SUMMARIZE or EXPLAIN. Writing, settings, files, extensions and transactions are not available in the workbench.';

/**
 * Refuses (throws SqlProblem 'sql_refused') anything but one documented read-only query; a syntax
 * error is an SqlProblem 'sql_error' with DuckDB's message. `connection` is an internal one.
 */
export async function checkStatement(connection: DuckDBConnection, sql: string, allowlist: Allowlist): Promise<CheckedStatement> {
  if (!sql.trim()) throw new SqlProblem('sql_refused', 'Write a query first.');
  let count: number;
  try {
    count = (await connection.extractStatements(sql)).count;
  } catch (error) {
    // The extractor's own messages can be bare ("Error in native callback" for only a comment):
    // ask the parser again for a sentence the analyst can act on.
    const nodes = await parseTree(connection, sql).catch((problem: unknown) => {
      throw problem instanceof SqlProblem ? problem : new SqlProblem('sql_error', cleanDuckDbMessage(error));
    });
    if (nodes.length === 0) throw new SqlProblem('sql_refused', 'Write a query first (the text holds only comments).');
    throw new SqlProblem('sql_error', cleanDuckDbMessage(error));
  }
  if (count === 0) throw new SqlProblem('sql_refused', 'Write a query first (the text holds only comments).');
  if (count > 1) throw new SqlProblem('sql_refused', `Only one statement at a time: this text holds ${count}. Remove the extra ';'-separated statements.`);

  const explain = explainPrefixLength(sql);
  const tree = await parseTree(connection, explain ? sql.slice(explain) : sql);
  if (tree.length !== 1) throw new SqlProblem('sql_refused', 'Only one statement at a time.');
  const problems: string[] = [];
  walk(tree[0], new Set(), allowlist, problems);
  if (problems.length) throw new SqlProblem('sql_refused', `Refused: ${[...new Set(problems)].slice(0, 3).join(' ')}`);
  return { kind: explain ? 'explain' : 'query' };
}

/** The statements' parse trees; a syntax error or a statement that is not a query is an SqlProblem. */
async function parseTree(connection: DuckDBConnection, sql: string): Promise<unknown[]> {
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
  const parsed = JSON.parse(String(reader.getRows()[0]?.[0])) as {
    error: boolean;
    error_type?: string;
    error_message?: string;
    statements?: { node: unknown }[];
  };
  if (parsed.error) {
    if (parsed.error_type === 'parser') throw new SqlProblem('sql_error', `Syntax error: ${parsed.error_message ?? 'cannot parse the query'}.`);
    throw new SqlProblem('sql_refused', onlyReads);
  }
  return (parsed.statements ?? []).map((statement) => statement.node);
}

type Scope = ReadonlySet<string>;
/** Function nodes already judged as table functions (FROM f(...)), so they are not reported twice. */
const tableFunctionCalls = new WeakSet<object>();
type Json = { [key: string]: unknown };

function walk(value: unknown, scope: Scope, allowlist: Allowlist, problems: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, scope, allowlist, problems);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const node = value as Json;

  // WITH: each CTE sees the CTEs declared before it; the body sees all of them. A CTE never sees
  // itself unless it is recursive (DuckDB resolves a non-recursive self-reference to the real table).
  let inner = scope;
  const cteEntries = (node.cte_map as { map?: { key: string; value: unknown }[] } | undefined)?.map ?? [];
  if (cteEntries.length) {
    const declared = new Set(scope);
    for (const entry of cteEntries) {
      const name = entry.key.toLowerCase();
      // Defence in depth: a CTE may not borrow the name of a hidden relation (private table, system
      // view) or of a file, so no scoping subtlety can turn its name into a real read.
      if (allowlist.hidden.has(name) || /[./\\]/.test(name)) problems.push(`a WITH query may not be called "${entry.key}".`);
      walk(entry.value, declared, allowlist, problems);
      declared.add(name);
    }
    inner = declared;
  }

  if (node.class === 'FUNCTION' && !tableFunctionCalls.has(node)) checkFunction(node, problems);
  else if ('sample' in node && !('class' in node) && 'query_location' in node) checkTableRef(node, inner, allowlist, problems);

  // WITH RECURSIVE: only the recursive term (right) sees the CTE itself; in the anchor (left) DuckDB
  // resolves the name to a real table of that name.
  const recursiveName = node.type === 'RECURSIVE_CTE_NODE' && typeof node.cte_name === 'string' ? node.cte_name.toLowerCase() : null;
  for (const [key, child] of Object.entries(node)) {
    if (key === 'cte_map') continue;
    walk(child, recursiveName && key === 'right' ? new Set([...inner, recursiveName]) : inner, allowlist, problems);
  }
}

function checkFunction(node: Json, problems: string[]): void {
  const name = String(node.function_name ?? '').toLowerCase();
  if (functionDenied(name)) problems.push(`the function ${name}() is not available to analyst SQL.`);
}

function checkTableRef(node: Json, scope: Scope, allowlist: Allowlist, problems: string[]): void {
  const type = String(node.type);
  if (!allowedTableRefs.has(type)) {
    problems.push(`this kind of table reference (${type}) is not allowed.`);
    return;
  }
  if (type === 'BASE_TABLE') {
    const name = String(node.table_name ?? '');
    const schema = String(node.schema_name ?? '').toLowerCase();
    const catalog = String(node.catalog_name ?? '');
    if (catalog || (schema && schema !== 'main')) {
      problems.push(`"${[catalog, schema, name].filter(Boolean).join('.')}" is outside the warehouse; use the documented tables and views by their plain names.`);
    } else if (!allowlist.relations.has(name.toLowerCase()) && !(schema === '' && scope.has(name.toLowerCase()))) {
      problems.push(
        /[./\\]/.test(name)
          ? `"${name}" looks like a file; analyst SQL cannot read files.`
          : `"${name}" is not a documented table or view (see the schema panel).`,
      );
    }
  } else if (type === 'TABLE_FUNCTION') {
    const fn = (node.function ?? {}) as Json;
    tableFunctionCalls.add(fn);
    const name = String(fn.function_name ?? '').toLowerCase();
    const schema = String(fn.schema ?? '').toLowerCase();
    const catalog = String(fn.catalog ?? '');
    if (fn.class !== 'FUNCTION' || catalog || (schema && schema !== 'main') || !allowlist.tableFunctions.has(name)) {
      problems.push(`the table function ${name || '?'}() is not available; allowed are range, generate_series, unnest and the analyst macros.`);
    }
  } else if (type === 'SHOW_REF') {
    // DESCRIBE/SUMMARIZE <query or table> carry the query, which the walk checks; SHOW TABLES and
    // friends list the whole catalogue including private tables.
    if (!node.query) problems.push('SHOW lists the whole catalogue; use the schema panel, or DESCRIBE <table>.');
  } else if (type === 'PIVOT' && typeof node.pivot_enum === 'string' && node.pivot_enum) {
    problems.push('PIVOT without an explicit IN list creates a type; list the values with IN (…).');
  }
}

/**
 * Length of a leading `EXPLAIN` keyword (after whitespace and comments), or 0. Only used to hand the
 * explained query to the same check; DuckDB then confirms the statement type is EXPLAIN.
 */
export function explainPrefixLength(sql: string): number {
  let i = 0;
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i]!)) i++;
    if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) return 0;
      i = end + 2;
    } else break;
  }
  const word = sql.slice(i, i + 7);
  const after = sql[i + 7];
  return word.toLowerCase() === 'explain' && after !== undefined && /[\s(/-]/.test(after) ? i + 7 : 0;
}

export function cleanDuckDbMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^Error: /, '').replace(/^Failed to extract statements: /, '').split('\n\nPossible solutions')[0]!.trim();
}
