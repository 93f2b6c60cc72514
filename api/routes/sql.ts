// The analysts' SQL workbench: POST /api/sql runs one checked read-only statement and answers JSON,
// CSV, Arrow or Parquet; GET /api/sql/schema documents what may be queried; /api/sql/saved keeps
// saved and shared queries. Analysts and admins only (401 for no login is app.ts's auth middleware).
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { requireRole } from '../auth/middleware.ts';
import { analystCatalog } from '../sql/catalog.ts';
import { contentDisposition, mediaTypes, type SqlFormat } from '../sql/download.ts';
import { SqlProblem } from '../sql/errors.ts';
import { arrowBody } from '../sql/formats/arrow.ts';
import { csvBody } from '../sql/formats/csv.ts';
import { jsonBody } from '../sql/formats/json.ts';
import { writeParquet } from '../sql/formats/parquet.ts';
import { sqlLimits, startAnalystQuery, type RunningQuery } from '../sql/run.ts';
import { createSaved, deleteSaved, getSaved, listSaved } from '../sql/saved.ts';
import { ClientGone, streamResponse } from '../sql/stream.ts';

const runRequest = z.object({
  sql: z.string().max(100_000, 'The query is longer than 100 000 characters.'),
  format: z.enum(['json', 'csv', 'arrow', 'parquet']).default('json'),
  /** Answer the plan of the query (EXPLAIN <query>) instead of its rows; typed EXPLAIN is refused. */
  explain: z.boolean().default(false),
  /** Row cap; more rows give truncated: true (JSON) or the header X-Truncated: true (files). */
  limit: z.number().int().min(1).max(sqlLimits.maxRows).optional(),
  /** A shorter time limit than the server's (never longer). */
  timeoutMs: z.number().int().min(100).optional(),
  /** Base name of the downloaded file (without extension); æøå allowed. */
  filename: z.string().max(200).optional(),
  csv: z
    .object({
      delimiter: z.enum([',', ';', '\t']).default(','),
      bom: z.boolean().default(false),
      /** Default: true with ';' (Norwegian Excel), false otherwise. */
      decimalComma: z.boolean().optional(),
    })
    .optional(),
});

const savedRequest = z.object({
  title: z.string().trim().min(1, 'Give the query a title.').max(200),
  sql: z.string().min(1).max(100_000),
  shared: z.boolean().default(false),
});

export const sqlRoutes = new Hono<AppEnv>();

// The workbench is for analysts and administrators; requireRole audits every refusal.
sqlRoutes.use('*', requireRole('analyst', 'admin'));

sqlRoutes.get('/schema', async (c) => {
  const catalog = await analystCatalog(c.get('services').warehouse);
  return c.json({ tables: catalog.relations, macros: catalog.macros });
});

sqlRoutes.post('/', async (c) => {
  const parsed = runRequest.safeParse(await c.req.json().catch(() => null));
  if (!parsed.success) return problemResponse(c, new SqlProblem('bad_request', zodMessage(parsed.error)));
  const request = parsed.data;
  if (request.explain && request.format === 'parquet') {
    return problemResponse(c, new SqlProblem('bad_request', 'A query plan comes as JSON, CSV or Arrow, not Parquet.'));
  }
  const { warehouse, importDirectory, audit } = c.get('services');
  const user = c.get('user');
  const limit = request.limit ?? sqlLimits.defaultRows;
  const timeoutMs = Math.min(request.timeoutMs ?? sqlLimits.timeoutMs, sqlLimits.timeoutMs);
  const started = performance.now();
  const parameters = { sql: request.sql, limit, ...(request.explain ? { explain: true } : {}) };
  const record = (outcome: string) =>
    void audit(user, { action: 'sql', target: request.format, parameters, outcome: `${outcome} in ${Math.round(performance.now() - started)} ms` });
  // Logged before anything runs, so a statement that brings the server down still left its trace.
  await audit(user, { action: 'sql', target: request.format, parameters, outcome: 'started', durable: true });

  let query: RunningQuery;
  try {
    query = await startAnalystQuery(warehouse, request.sql, { limit, timeoutMs, prepareOnly: request.format === 'parquet', explain: request.explain });
  } catch (error) {
    const problem = error instanceof SqlProblem ? error : new SqlProblem('sql_error', String(error));
    record(`${problem.code}: ${problem.message}`);
    return problemResponse(c, problem);
  }

  const format: SqlFormat = request.format;
  const headers: Record<string, string> = { 'Content-Type': mediaTypes[format], 'Cache-Control': 'no-store' };
  if (format !== 'json') headers['Content-Disposition'] = contentDisposition(request.filename ?? 'resultat', format);

  if (format === 'parquet') {
    try {
      const file = await writeParquet(query, importDirectory, limit);
      await query.close();
      const truncated = file.rows >= limit;
      record(`ok: ${file.rows} rows${truncated ? ' (row cap reached)' : ''}`);
      return streamResponse(file.body, { ...headers, 'Content-Length': String(file.bytes), 'X-Row-Count': String(file.rows), 'X-Truncated': String(truncated) }, () => {});
    } catch (error) {
      await query.close();
      const problem = error instanceof SqlProblem ? error : query.problem(error);
      record(`${problem.code}: ${problem.message}`);
      return problemResponse(c, problem);
    }
  }

  const body =
    format === 'json'
      ? jsonBody(query)
      : format === 'csv'
        ? csvBody(query, {
            delimiter: request.csv?.delimiter ?? ',',
            bom: request.csv?.bom ?? false,
            decimalComma: request.csv?.decimalComma ?? request.csv?.delimiter === ';',
          })
        : arrowBody(query);
  // Streamed files start before the end is known, so they carry the cap they ran with; a client
  // that must know whether rows were cut asks for one row more (the web page does). JSON says
  // truncated exactly, at the end of the body.
  headers['X-Row-Limit'] = String(limit);
  return streamResponse(body, headers, (error) => {
    const truncated = query.truncated;
    void query.close();
    if (error instanceof ClientGone) record(`cancelled: the client left after ${query.rowCount} rows`);
    else if (error) record(`${error instanceof SqlProblem ? error.code : 'error'}: ${error instanceof Error ? error.message : String(error)}`);
    else record(`ok: ${query.rowCount} rows${truncated ? ' (truncated)' : ''}`);
  });
});

sqlRoutes.get('/saved', async (c) => {
  return c.json({ queries: await listSaved(c.get('services').privateStore, c.get('user').username) });
});

sqlRoutes.get('/saved/:id{[0-9]+}', async (c) => {
  const saved = await getSaved(c.get('services').privateStore, c.get('user').username, Number(c.req.param('id')));
  return saved ? c.json(saved) : c.json({ error: { code: 'not_found', message: 'No such saved query (or it is not shared).' } }, 404);
});

sqlRoutes.post('/saved', async (c) => {
  const parsed = savedRequest.safeParse(await c.req.json().catch(() => null));
  if (!parsed.success) return problemResponse(c, new SqlProblem('bad_request', zodMessage(parsed.error)));
  const { privateStore, audit } = c.get('services');
  const saved = await createSaved(privateStore, c.get('user').username, parsed.data);
  void audit(c.get('user'), {
    action: 'saved_query',
    target: String(saved.id),
    parameters: { title: saved.title, shared: saved.shared, sql: saved.sql },
    outcome: 'created',
  });
  return c.json(saved, 201);
});

sqlRoutes.delete('/saved/:id{[0-9]+}', async (c) => {
  const { privateStore, audit } = c.get('services');
  const id = c.req.param('id');
  const deleted = await deleteSaved(privateStore, c.get('user').username, Number(id));
  void audit(c.get('user'), { action: 'saved_query', target: id, outcome: deleted ? 'deleted' : 'not_found: not a saved query of this user' });
  return deleted
    ? c.body(null, 204)
    : c.json({ error: { code: 'not_found', message: 'No such saved query of yours: only the owner can delete it.' } }, 404);
});

function problemResponse(c: Context<AppEnv>, problem: SqlProblem): Response {
  return c.json({ error: { code: problem.code, message: problem.message } }, problem.status);
}

function zodMessage(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ') || 'Send JSON {"sql": "…"}.';
}
