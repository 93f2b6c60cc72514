// What analyst SQL may see: the warehouse's documented tables and views and the analyst macros, read
// from DuckDB's own catalogue (duckdb_tables/views/columns/functions) with their COMMENT ON texts.
// One rule serves both the browser's schema (GET /api/sql/schema) and the sandbox's allowlist, so a
// view the metrics helper installs is queryable and documented at once, and nothing else is.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../../pipeline/db.ts';
import { allowedBuiltinFunctions } from './allowed-functions.ts';

/** Application tables that hold credentials, sessions, the audit trail and other users' queries. */
export const privateTables: ReadonlySet<string> = new Set(['app_user', 'app_session', 'audit_log', 'saved_query']);

/** Built-in table functions analysts may call in FROM; everything else (read_csv, glob, query, duckdb_*…) is refused. */
export const allowedBuiltinTableFunctions: ReadonlySet<string> = new Set(['range', 'generate_series', 'unnest']);

export interface CatalogColumn {
  name: string;
  type: string;
  comment: string | null;
}

export interface CatalogRelation {
  name: string;
  kind: 'table' | 'view';
  comment: string | null;
  columns: CatalogColumn[];
}

export interface CatalogMacro {
  name: string;
  /** table_macro: used in FROM like a table (`FROM metric_readmissions(...)`); macro: a scalar function. */
  kind: 'table_macro' | 'macro';
  parameters: string[];
  comment: string | null;
}

export interface AnalystCatalog {
  relations: CatalogRelation[];
  macros: CatalogMacro[];
  /** Every other relation name the engine knows (private tables, system and information_schema views). */
  hiddenNames: string[];
}

/** Lower-cased names the sandbox accepts as table references and as table functions. */
export interface Allowlist {
  relations: ReadonlySet<string>;
  tableFunctions: ReadonlySet<string>;
  /** Scalar, aggregate and window functions: the built-in allow-list and the analyst scalar macros. */
  functions: ReadonlySet<string>;
  /** Names a WITH query may not take: DuckDB could resolve them to the hidden relation instead. */
  hidden: ReadonlySet<string>;
}

/**
 * The catalogue, cached per warehouse for a few seconds: duckdb_functions() lists thousands of
 * built-ins and costs ~150 ms, too much for every statement. A committed import clears the cache; a
 * view installed later appears within the TTL. Staleness cannot widen access: private tables are
 * never listed, and a dropped name only fails at binding.
 */
const cacheTtlMs = 10_000;
const cached = new WeakMap<Warehouse, { at: number; catalog: Promise<AnalystCatalog> }>();
const listening = new WeakSet<Warehouse>();

export function analystCatalog(warehouse: Warehouse): Promise<AnalystCatalog> {
  const hit = cached.get(warehouse);
  if (hit && Date.now() - hit.at < cacheTtlMs) return hit.catalog;
  if (!listening.has(warehouse)) {
    listening.add(warehouse);
    warehouse.onDataChange(() => cached.delete(warehouse));
  }
  const catalog = warehouse.withConnection(loadAnalystCatalog);
  catalog.catch(() => cached.delete(warehouse));
  cached.set(warehouse, { at: Date.now(), catalog });
  return catalog;
}

export async function loadAnalystCatalog(connection: DuckDBConnection): Promise<AnalystCatalog> {
  // Only the warehouse's own main schema: not temp, not system, not attached catalogues.
  const relationRows = (
    await connection.runAndReadAll(`
      SELECT table_name AS name, 'table' AS kind, comment FROM duckdb_tables()
       WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal AND NOT temporary
      UNION ALL
      SELECT view_name, 'view', comment FROM duckdb_views()
       WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal AND NOT temporary
      ORDER BY 1`)
  ).getRowObjectsJS() as { name: string; kind: 'table' | 'view'; comment: string | null }[];
  const columnRows = (
    await connection.runAndReadAll(`
      SELECT table_name, column_name, data_type, comment FROM duckdb_columns()
       WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
       ORDER BY table_name, column_index`)
  ).getRowObjectsJS() as { table_name: string; column_name: string; data_type: string; comment: string | null }[];
  const macroRows = (
    await connection.runAndReadAll(`
      SELECT DISTINCT ON (function_name, function_type) function_name AS name, function_type AS kind,
             parameters, comment
        FROM duckdb_functions()
       WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
         AND function_type IN ('table_macro', 'macro')
       ORDER BY function_name, function_type`)
  ).getRowObjectsJS() as { name: string; kind: 'table_macro' | 'macro'; parameters: string[] | null; comment: string | null }[];

  const hiddenRows = (
    await connection.runAndReadAll(`
      SELECT DISTINCT lower(table_name) AS name FROM duckdb_tables()
      UNION SELECT DISTINCT lower(view_name) FROM duckdb_views()`)
  ).getRowObjectsJS() as { name: string }[];

  const columnsByTable = new Map<string, CatalogColumn[]>();
  for (const row of columnRows) {
    const list = columnsByTable.get(row.table_name) ?? [];
    list.push({ name: row.column_name, type: row.data_type, comment: row.comment || null });
    columnsByTable.set(row.table_name, list);
  }
  const relations = relationRows
    .filter((row) => !privateTables.has(row.name.toLowerCase()))
    .map((row) => ({ ...row, comment: row.comment || null, columns: columnsByTable.get(row.name) ?? [] }));
  const visible = new Set(relations.map((relation) => relation.name.toLowerCase()));
  return {
    relations,
    macros: macroRows.map((row) => ({ ...row, parameters: [...(row.parameters ?? [])], comment: row.comment || null })),
    hiddenNames: hiddenRows.map((row) => row.name).filter((name) => !visible.has(name)),
  };
}

export function allowlistOf(catalog: AnalystCatalog): Allowlist {
  return {
    relations: new Set(catalog.relations.map((relation) => relation.name.toLowerCase())),
    tableFunctions: new Set([
      ...allowedBuiltinTableFunctions,
      ...catalog.macros.filter((macro) => macro.kind === 'table_macro').map((macro) => macro.name.toLowerCase()),
    ]),
    functions: new Set([
      ...allowedBuiltinFunctions,
      ...catalog.macros.filter((macro) => macro.kind === 'macro').map((macro) => macro.name.toLowerCase()),
    ]),
    hidden: new Set([...catalog.hiddenNames, ...privateTables]),
  };
}
