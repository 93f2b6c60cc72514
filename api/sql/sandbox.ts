// The statement check for analyst SQL, and the SQL that then runs. DuckDB's parser decides, never our
// own lexing: json_serialize_sql() parses the analyst's text (exactly one statement, and a query — it
// refuses to serialise anything else); json_deserialize_sql() renders that tree back to SQL; the
// rendering is parsed once more and THAT tree is walked. The caller runs only the rendering, so what
// was checked is byte for byte what runs: comments, `\r`, nested `/* */`, a hidden second statement
// or an EXPLAIN ANALYZE prefix in the analyst's text cannot survive the round trip.
// The walk allows only the documented tables/views (catalog.ts), the query's own CTEs in scope, a few
// table functions and the allow-listed functions (allowed-functions.ts). It runs BEFORE prepare(),
// because prepare() binds and binding read_csv('x') already opens the file.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Allowlist } from './catalog.ts';
import { SqlProblem } from './errors.ts';
import { sizeProblem } from './size-arguments.ts';

export interface CheckedStatement {
  /** DuckDB's rendering of the checked parse tree: the only SQL that may run. */
  sql: string;
}

const onlyQueries =
  'Only one read-only query runs here: SELECT, WITH, FROM, VALUES, DESCRIBE or SUMMARIZE. Writing, settings, files, extensions, ' +
  'transactions and typed EXPLAIN are not available; for a query plan use the Explain button (request option "explain": true). ' +
  'EXPLAIN ANALYZE is never available.';

/** Expression classes a query may contain; any other (parameters, DEFAULT, new kinds) is refused. */
const allowedExpressionClasses = new Set([
  'CONSTANT', 'COLUMN_REF', 'FUNCTION', 'WINDOW', 'OPERATOR', 'COMPARISON', 'CONJUNCTION', 'CASE', 'CAST', 'COLLATE',
  'BETWEEN', 'SUBQUERY', 'STAR', 'LAMBDA', 'LAMBDA_REF', 'POSITIONAL_REFERENCE',
]);

/** Table reference kinds a read-only query may contain. Unknown kinds are refused (fail closed). */
const allowedTableRefs = new Set(['BASE_TABLE', 'TABLE_FUNCTION', 'SUBQUERY', 'JOIN', 'EXPRESSION_LIST', 'EMPTY', 'PIVOT', 'SHOW_REF']);

/**
 * Refuses (throws SqlProblem 'sql_refused') anything but one documented read-only query; a syntax
 * error is an SqlProblem 'sql_error' with DuckDB's message. `connection` is the analyst connection
 * before its transaction starts; only json_serialize_sql/json_deserialize_sql run on it here.
 */
export async function checkStatement(connection: DuckDBConnection, text: string, allowlist: Allowlist): Promise<CheckedStatement> {
  if (!text.trim()) throw new SqlProblem('sql_refused', 'Write a query first.');
  const typed = await parse(connection, text);
  if (!typed.ok) {
    throw typed.notAQuery ? new SqlProblem('sql_refused', await notAQueryMessage(connection, text)) : typed.problem;
  }
  if (typed.statements === 0) throw new SqlProblem('sql_refused', 'Write a query first: the text holds no statement, only comments or semicolons.');
  if (typed.statements > 1) {
    throw new SqlProblem('sql_refused', `Only one statement at a time: this text holds ${typed.statements}. Remove the extra ';'-separated statements.`);
  }

  const sql = await render(connection, typed.json);
  const rendered = await parse(connection, sql);
  if (!rendered.ok || rendered.statements !== 1 || (await connection.extractStatements(sql)).count !== 1) {
    throw new SqlProblem('sql_error', 'DuckDB could not read back its own rendering of this query; write it more plainly (e.g. without rare syntax).');
  }
  const problems: string[] = [];
  walk(rendered.tree, new Set(), allowlist, problems);
  if (problems.length) throw new SqlProblem('sql_refused', `Refused: ${[...new Set(problems)].slice(0, 3).join(' ')}`);
  return { sql };
}

type Parsed =
  | { ok: true; json: string; statements: number; tree: unknown }
  | { ok: false; notAQuery: boolean; problem: SqlProblem };

async function parse(connection: DuckDBConnection, sql: string): Promise<Parsed> {
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
  const json = String(reader.getRows()[0]?.[0]);
  const parsed = JSON.parse(json) as { error: boolean; error_type?: string; error_message?: string; statements?: { node: unknown }[] };
  if (parsed.error) {
    const problem =
      parsed.error_type === 'parser'
        ? new SqlProblem('sql_error', `Syntax error: ${parsed.error_message ?? 'cannot parse the query'}.`)
        : new SqlProblem('sql_refused', onlyQueries);
    return { ok: false, notAQuery: parsed.error_type !== 'parser', problem };
  }
  const statements = parsed.statements ?? [];
  return { ok: true, json, statements: statements.length, tree: statements[0]?.node };
}

async function render(connection: DuckDBConnection, json: string): Promise<string> {
  try {
    const reader = await connection.runAndReadAll('SELECT json_deserialize_sql($1::JSON)', [json]);
    return String(reader.getRows()[0]?.[0]);
  } catch (error) {
    throw new SqlProblem('sql_error', `DuckDB could not render this query back to SQL (${cleanDuckDbMessage(error)}); write it more plainly.`);
  }
}

/** json_serialize_sql refuses every statement that is not a query; say how many there were. */
async function notAQueryMessage(connection: DuckDBConnection, text: string): Promise<string> {
  const count = await connection.extractStatements(text).then(
    (extracted) => extracted.count,
    () => 1,
  );
  return count > 1 ? `Only one statement at a time, and only a query: this text holds ${count}. ${onlyQueries}` : onlyQueries;
}

type Scope = ReadonlySet<string>;
/** Function nodes already judged as table functions (FROM f(...)), so they are not judged again. */
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

  if (typeof node.class === 'string') checkExpression(node, allowlist, problems);
  else if ('sample' in node && 'query_location' in node) checkTableRef(node, inner, allowlist, problems);

  // WITH RECURSIVE: only the recursive term (right) sees the CTE itself; in the anchor (left) DuckDB
  // resolves the name to a real table of that name.
  const recursiveName = node.type === 'RECURSIVE_CTE_NODE' && typeof node.cte_name === 'string' ? node.cte_name.toLowerCase() : null;
  for (const [key, child] of Object.entries(node)) {
    if (key === 'cte_map') continue;
    walk(child, recursiveName && key === 'right' ? new Set([...inner, recursiveName]) : inner, allowlist, problems);
  }
}

function checkExpression(node: Json, allowlist: Allowlist, problems: string[]): void {
  const kind = node.class as string;
  if (kind === 'PARAMETER') {
    problems.push('parameters ($1, ?) cannot be bound in the workbench; write the value into the query.');
  } else if (!allowedExpressionClasses.has(kind)) {
    problems.push(`this kind of expression (${kind}) is not allowed.`);
  } else if ((kind === 'FUNCTION' || kind === 'WINDOW') && !tableFunctionCalls.has(node)) {
    const name = String(node.function_name ?? '').toLowerCase();
    const qualifier = qualifierProblem(node, name);
    if (qualifier) problems.push(qualifier);
    else if (!allowlist.functions.has(name)) problems.push(`the function ${name}() is not available to analyst SQL.`);
    else {
      const size = sizeProblem(name, node);
      if (size) problems.push(size);
    }
  }
}

/**
 * Functions are called by their plain name. DuckDB's own rendering writes some built-ins as
 * `main.list_value(…)`, so the schema `main` is accepted; a catalog or another schema is not (this
 * also refuses the method form `column.upper()`, which the parser stores as schema "column").
 */
function qualifierProblem(fn: Json, name: string): string | null {
  const schema = String(fn.schema ?? '');
  const catalog = String(fn.catalog ?? '');
  if (!catalog && (schema === '' || schema.toLowerCase() === 'main')) return null;
  if (!catalog) return `"${schema}.${name}()": call functions by their plain name (write ${name}(${schema}, …) rather than ${schema}.${name}(…)).`;
  return `"${[catalog, schema, name].filter(Boolean).join('.')}()" is outside the warehouse; call functions by their plain name.`;
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
    if (fn.class !== 'FUNCTION' || qualifierProblem(fn, name) || !allowlist.tableFunctions.has(name)) {
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

export function cleanDuckDbMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^Error: /, '').replace(/^Failed to extract statements: /, '').split('\n\nPossible solutions')[0]!.trim();
}
