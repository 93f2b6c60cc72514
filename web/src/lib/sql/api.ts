// The workbench's calls to /api/sql. Results come as Arrow (decoded in the browser); downloads in
// every format are saved under the name the server gives (filename*=UTF-8''… keeps æøå). Every call
// goes through lib/api.ts's apiFetch, so a lost session sends the analyst to the login page.
import { apiFetch } from '../api.ts';
import { fileNameOf } from './download-name.ts';
import { decodeResult, type QueryResult } from './result.ts';

export type DownloadFormat = 'csv' | 'csv-excel' | 'json' | 'arrow' | 'parquet';

export interface SqlError {
  code: string;
  message: string;
}

export class SqlRequestError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export interface SchemaColumn { name: string; type: string; comment: string | null }
export interface SchemaTable { name: string; kind: 'table' | 'view'; comment: string | null; columns: SchemaColumn[] }
export interface SchemaMacro { name: string; kind: 'table_macro' | 'macro'; parameters: string[]; comment: string | null }
export interface SqlSchema { tables: SchemaTable[]; macros: SchemaMacro[] }
export interface SavedQuery { id: number; username: string; title: string; sql: string; shared: boolean; createdAt: string }

async function failure(response: Response): Promise<SqlRequestError> {
  try {
    const body = (await response.json()) as { error?: SqlError };
    if (body.error) return new SqlRequestError(body.error.code, body.error.message);
  } catch {
    // not JSON
  }
  return new SqlRequestError(String(response.status), `${response.status} ${response.statusText}`);
}

function post(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return apiFetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
}

/** Runs a query and decodes up to `rows` rows (one more is asked for, to know whether it was cut). */
export async function runQuery(sql: string, rows: number, signal?: AbortSignal): Promise<QueryResult> {
  const response = await post('/api/sql', { sql, format: 'arrow', limit: rows + 1 }, signal);
  if (!response.ok) throw await failure(response);
  return decodeResult(new Uint8Array(await response.arrayBuffer()), rows);
}

/** The query plan (EXPLAIN of the checked query; the query itself does not run). */
export async function explainQuery(sql: string, signal?: AbortSignal): Promise<string> {
  const response = await post('/api/sql', { sql, explain: true, format: 'json' }, signal);
  if (!response.ok) throw await failure(response);
  const body = (await response.json()) as { rows: string[][]; error?: SqlError };
  if (body.error) throw new SqlRequestError(body.error.code, body.error.message);
  return body.rows.map((row) => row[row.length - 1] ?? '').join('\n');
}

export async function download(sql: string, format: DownloadFormat, filename: string, limit: number): Promise<void> {
  const body =
    format === 'csv-excel'
      ? { sql, format: 'csv', limit, filename, csv: { delimiter: ';', bom: true, decimalComma: true } }
      : { sql, format, limit, filename };
  const response = await post('/api/sql', body);
  if (!response.ok) throw await failure(response);
  const blob = await response.blob();
  const name = fileNameOf(response.headers.get('content-disposition')) ?? `${filename}.${format}`;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function fetchSchema(): Promise<SqlSchema> {
  const response = await apiFetch('/api/sql/schema');
  if (!response.ok) throw await failure(response);
  return (await response.json()) as SqlSchema;
}

export async function listSaved(): Promise<SavedQuery[]> {
  const response = await apiFetch('/api/sql/saved');
  if (!response.ok) throw await failure(response);
  return ((await response.json()) as { queries: SavedQuery[] }).queries;
}

export async function saveQuery(input: { title: string; sql: string; shared: boolean }): Promise<SavedQuery> {
  const response = await post('/api/sql/saved', input);
  if (!response.ok) throw await failure(response);
  return (await response.json()) as SavedQuery;
}

export async function deleteSaved(id: number): Promise<void> {
  // application/json although there is no body: the server's cross-site request protection asks for it.
  const response = await apiFetch(`/api/sql/saved/${id}`, { method: 'DELETE', headers: { 'content-type': 'application/json' } });
  if (!response.ok) throw await failure(response);
}

export async function getSaved(id: number): Promise<SavedQuery> {
  const response = await apiFetch(`/api/sql/saved/${id}`);
  if (!response.ok) throw await failure(response);
  return (await response.json()) as SavedQuery;
}
