// Imports over HTTP (admin): POST /api/imports uploads one or more extracts (multipart, field `file`,
// optional acceptRejects=true) and answers the same summary as `npm run import -- --json`, status 200
// even when a file was rejected (the body says so). The local hand-off from `npm run import` while the
// server runs (token from server.json) may instead post JSON {paths, acceptRejects, importedBy, vintage}: the
// files are on this machine, so they are not copied through HTTP.
// GET /api/imports is the import log, newest first; GET /api/imports/:id/errors its rejected rows
// (both audited: they show what files held).
import { mkdir, rm } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { requireRole } from '../auth/middleware.ts';
import type { AppEnv } from '../env.ts';
import { ApiError, badRequest, describeIssues } from '../http-error.ts';
import type { ApiRuntime } from '../runtime.ts';
import type { FileImportResult, ImportSummary, SessionUser } from '../../contract/types.ts';
import { importFile } from '../../pipeline/import.ts';
import { refreshDerived } from '../metrics/derived.ts';
import { saveMultipart } from '../edge/upload-stream.ts';

const handOff = z.object({
  paths: z.array(z.string().refine(isAbsolute, 'must be absolute paths')).min(1, 'give at least one file'),
  acceptRejects: z.boolean().optional(),
  importedBy: z.string().max(100).optional(),
  vintage: z.string().regex(/^\d{4}$/, 'vintage must be the projection round as a year, e.g. 2024').optional(),
});
const uploadVintage = z.string().regex(/^\d{4}$/, 'vintage: the projection round must be a year, e.g. 2024').optional();

export function importRoutes(runtime: ApiRuntime) {
  const { services } = runtime;
  const mb = Math.round(runtime.maxUploadBytes / 1024 / 1024);
  return new Hono<AppEnv>()
    .use(requireRole('admin'))
    .post('/', async (c) => {
      const user = c.get('user');
      const type = c.req.header('content-type') ?? '';
      const tooLarge = () => new ApiError(413, 'too_large', `The upload is larger than ${mb} MB. Import such files with npm run import.`);
      // Refused before a byte is read when the size is announced; counted while streaming otherwise.
      if (Number(c.req.header('content-length') ?? 0) > runtime.maxUploadBytes) throw tooLarge();
      let summary: ImportSummary;
      if (type.startsWith('application/json')) {
        if (user.username !== 'cli') throw badRequest('Upload files as multipart/form-data in the field "file".');
        const parsed = handOff.safeParse(await c.req.json().catch(() => null));
        if (!parsed.success) throw badRequest(describeIssues(parsed.error));
        const { paths, acceptRejects, importedBy, vintage } = parsed.data;
        summary = await runImports(runtime, user, importedBy ?? 'cli', { acceptRejects: acceptRejects ?? false, vintage },
          paths.map((path) => ({ path, displayName: basename(path) })));
      } else {
        if (!type.startsWith('multipart/form-data'))
          throw badRequest('Upload files as multipart/form-data in the field "file".');
        const folder = join(services.importDirectory, `upload-${randomUUID()}`);
        await mkdir(folder, { recursive: true });
        try {
          const upload = await saveMultipart(c.req.raw, folder, runtime.maxUploadBytes, tooLarge);
          if (upload.files.length === 0) throw badRequest('file: attach at least one CSV extract in the field "file".');
          const acceptRejects = upload.fields.acceptRejects === 'true';
          const vintage = uploadVintage.safeParse(upload.fields.vintage || undefined);
          if (!vintage.success) throw badRequest(describeIssues(vintage.error));
          summary = await runImports(runtime, user, user.username, { acceptRejects, vintage: vintage.data }, upload.files);
        } finally {
          await rm(folder, { recursive: true, force: true });
        }
      }
      return c.json(summary);
    })
    .get('/', async (c) => {
      const rows = await services.warehouse.withConnection(async (connection) =>
        (
          await connection.runAndReadAll(`
            SELECT import_id AS "importId", file_name AS "file", kind, encoding, delimiter,
                   rows_read AS "rowsRead", rows_imported AS "rowsImported", rows_rejected AS "rowsRejected",
                   status, imported_by AS "importedBy", strftime(started_at, '%Y-%m-%dT%H:%M:%S') AS "startedAt",
                   strftime(finished_at, '%Y-%m-%dT%H:%M:%S') AS "finishedAt", message
            FROM import_log ORDER BY import_id DESC LIMIT 500`)
        ).getRowObjectsJson(),
      );
      // The log names files and why they were refused (DuckDB's message may quote a line): audited.
      await services.audit(c.get('user'), { action: 'import_log', outcome: `${rows.length} entries` });
      return c.json(rows);
    })
    .get('/:id/errors', async (c) => {
      const id = Number(c.req.param('id'));
      if (!Number.isInteger(id) || id < 1) throw badRequest('id: must be an import id (a positive whole number)');
      const rows = await services.warehouse.withConnection(async (connection) => {
        const exists = await connection.runAndReadAll('SELECT 1 FROM import_log WHERE import_id = ?', [id]);
        if (exists.currentRowCount === 0) return null;
        return (
          await connection.runAndReadAll(
            `SELECT line, column_name AS "column", message, raw_line AS "rawLine"
             FROM import_rejected_row WHERE import_id = ? ORDER BY line NULLS FIRST LIMIT 10000`,
            [id],
          )
        ).getRowObjectsJson();
      });
      // Rejected rows are shown as delivered (patient ids, dates, diagnoses): who looked is audited.
      await services.audit(c.get('user'), {
        action: 'import_errors',
        target: `import ${id}`,
        parameters: { importId: id },
        outcome: rows ? `${rows.length} rows` : 'not found',
      });
      if (!rows) throw new ApiError(404, 'not_found', `No import with id ${id}.`);
      return c.json(rows);
    });
}

async function runImports(
  runtime: ApiRuntime,
  user: SessionUser,
  importedBy: string,
  { acceptRejects, vintage }: { acceptRejects: boolean; vintage?: string },
  files: { path: string; displayName: string }[],
): Promise<ImportSummary> {
  const results: FileImportResult[] = await runtime.imports.run(async () => {
    const done: FileImportResult[] = [];
    for (const file of files) {
      const started = performance.now();
      const result = await importFile(runtime.services.warehouse, file.path, {
        acceptRejects,
        vintage,
        importedBy,
        displayName: file.displayName,
        // New hospital stays: rebuild the stored episodes in the same transaction, so that dashboards
        // never wait for a rebuild after the commit (≈ a minute on national data).
        beforeCommit: (connection, kind) => (kind === 'sykehusopphold' ? refreshDerived(connection) : Promise.resolve()),
      });
      runtime.logger.info(
        { file: file.displayName, status: result.status, rows: result.rowsImported, ms: Math.round(performance.now() - started) },
        'import',
      );
      done.push(result);
    }
    return done;
  });
  for (const result of results)
    await runtime.services.audit(user, {
      action: 'import',
      target: result.file,
      parameters: { acceptRejects, importedBy, kind: result.kind },
      outcome: `${result.status}: ${result.rowsImported} imported, ${result.rowsRejected} rejected`,
    });
  return { files: results };
}
