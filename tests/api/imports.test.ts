// Uploads over HTTP (admin): the same report as the CLI, a rejected file answered with 200 and the
// reasons, the import log, the size limit, and the cache dropped when an upload commits.
// Data: tests/api/seed.ts (4204 has 20 KAD stays in 2024).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary, MetricResponse } from '../../contract/types.ts';
import { apiHarness, errorOf, type ApiHarness } from './harness.ts';
import { seedSql } from './seed.ts';
import { csv, hospitalColumns, stay } from '../pipeline/extracts.ts';

let api: ApiHarness;
let admin: string;
beforeAll(async () => {
  api = await apiHarness({ seed: seedSql, app: { maxUploadBytes: 64 * 1024 } });
  admin = await api.userToken('admin1', 'admin');
});
afterAll(() => api.close());

const header = 'opphold_id;pasient_id;enhet;kommunenr;alder;kjonn;innskrevet;utskrevet;hovedtilstand;utskrevet_til';
// Two new stays for 4204 in May 2024.
const goodFile = `${header}\nup-1;pu-1;KAD-KRS;4204;81;K;2024-05-01 10:00;2024-05-03 10:00;R69;hjem\nup-2;pu-2;KAD-KRS;4204;90;M;2024-05-02 08:00;2024-05-04 09:00;R69;sykehus\n`;
// Line 3 is discharged before it was admitted.
const badFile = `${header}\nuq-1;pq-1;KAD-KRS;4204;81;K;2024-06-01 10:00;2024-06-03 10:00;R69;hjem\nuq-2;pq-2;KAD-KRS;4204;81;K;2024-06-05 10:00;2024-06-01 10:00;R69;hjem\n`;

function upload(files: Record<string, string>, token = admin, extra: Record<string, string> = {}) {
  const form = new FormData();
  for (const [name, text] of Object.entries(files)) form.append('file', new File([text], name, { type: 'text/csv' }));
  for (const [key, value] of Object.entries(extra)) form.append(key, value);
  return api.app.request('/api/imports', { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
}

const stays4204 = async () => {
  const response = await api.get('/api/metrics/kad-stays?municipality=4204&from=2024-01&to=2024-12&by=total', admin);
  return { cache: response.headers.get('x-cache'), numerator: ((await response.json()) as MetricResponse).rows[0]?.numerator };
};

describe('POST /api/imports', () => {
  it('imports a good file, reports it like the CLI and drops the cached answers', async () => {
    expect(await stays4204()).toEqual({ cache: 'miss', numerator: 20 });
    expect((await stays4204()).cache).toBe('hit');
    const response = await upload({ 'kad-mai.csv': goodFile });
    expect(response.status).toBe(200);
    const summary = (await response.json()) as ImportSummary;
    expect(summary.files).toHaveLength(1);
    expect(summary.files[0]).toMatchObject({ file: 'kad-mai.csv', kind: 'kad_opphold', status: 'imported', rowsRead: 2, rowsImported: 2, rowsRejected: 0 });
    expect(await stays4204()).toEqual({ cache: 'miss', numerator: 22 });
  });

  it('answers 200 for a file with a bad row, says it was rejected, with line, column and reason, and imports nothing', async () => {
    const response = await upload({ 'kad-juni.csv': badFile });
    expect(response.status).toBe(200);
    const file = ((await response.json()) as ImportSummary).files[0]!;
    expect(file).toMatchObject({ file: 'kad-juni.csv', status: 'rejected', rowsImported: 0 });
    expect(file.errors[0]).toMatchObject({ line: 3 });
    expect(file.errors[0]?.message.length).toBeGreaterThan(10);
    expect((await stays4204()).numerator).toBe(22);
  });

  it('with acceptRejects=true imports the good rows and keeps the rejected one for review', async () => {
    const response = await upload({ 'kad-juni-igjen.csv': badFile.replace(/uq-/g, 'ur-') }, admin, { acceptRejects: 'true' });
    const file = ((await response.json()) as ImportSummary).files[0]!;
    expect(file).toMatchObject({ status: 'imported', rowsImported: 1, rowsRejected: 1 });
    const errors = (await (await api.get(`/api/imports/${file.importId}/errors`, admin)).json()) as { line: number }[];
    expect(errors.map((e) => e.line)).toEqual([3]);
  });

  it('rejects a file that is no known extract, naming what is missing', async () => {
    const response = await upload({ 'notes.csv': 'a;b\n1;2\n' });
    const file = ((await response.json()) as ImportSummary).files[0]!;
    expect(file).toMatchObject({ status: 'rejected', kind: null });
  });

  it('lists the import log newest first', async () => {
    const log = (await (await api.get('/api/imports', admin)).json()) as { file: string; status: string; importedBy: string }[];
    expect(log[0]?.file).toBe('notes.csv');
    expect(log.map((entry) => entry.file)).toEqual(expect.arrayContaining(['kad-mai.csv', 'kad-juni.csv']));
    expect(log.find((entry) => entry.file === 'kad-mai.csv')).toMatchObject({ status: 'imported', importedBy: 'admin1' });
  });

  it('takes the vintage of an SSB projection from the form when given, and refuses one that is not a year', async () => {
    // A 14288-shaped JSON-stat with one value: 10 men aged 0 in Kristiansand in 2030, main alternative.
    const category = (labels: Record<string, string>) => ({ index: Object.fromEntries(Object.keys(labels).map((k, i) => [k, i])), label: labels });
    const projection = JSON.stringify({
      version: '2.0', class: 'dataset', label: '14288: Framskrevet folkemengde', id: ['Region', 'Kjonn', 'Alder', 'ContentsCode', 'Tid'], size: [1, 1, 1, 1, 1],
      dimension: {
        Region: { label: 'region', category: category({ 'K-4204': 'Kristiansand' }) },
        Kjonn: { label: 'kjønn', category: category({ '1': 'Menn' }) },
        Alder: { label: 'alder', category: category({ '000': '0 år' }) },
        ContentsCode: { label: 'statistikkvariabel', category: category({ MMMM: 'Hovedalternativet (MMMM)' }) },
        Tid: { label: 'år', category: category({ '2030': '2030' }) },
      },
      value: [10], role: { geo: ['Region'], time: ['Tid'], metric: ['ContentsCode'] },
    });
    const refused = await errorOf(await upload({ 'framskriving.json': projection }, admin, { vintage: '20x2' }));
    expect(refused).toMatchObject({ status: 400 });
    expect(refused.message).toMatch(/vintage: the projection round must be a year/);
    const response = await upload({ 'framskriving.json': projection }, admin, { vintage: '2022' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { files: { status: string; kind: string }[] }).files[0]).toMatchObject({ status: 'imported', kind: 'framskriving' });
    const rows = await api.warehouse.withConnection(async (c) => (await c.runAndReadAll(`SELECT vintage, municipality_code, year, sex, count FROM population_projection`)).getRowObjectsJson());
    expect(rows).toEqual([{ vintage: '2022', municipality_code: '4204', year: 2030, sex: 'M', count: 10 }]);
  });

  it('answers 400 without a file, 413 above the size limit, 403 for an analyst, 404 for an unknown import', async () => {
    expect((await errorOf(await upload({})))).toMatchObject({ status: 400 });
    expect((await errorOf(await upload({ 'big.csv': `${header}\n${'x'.repeat(70 * 1024)}` })))).toMatchObject({ status: 413, code: 'too_large' });
    const analyst = await api.userToken('analyst2', 'analyst');
    expect((await errorOf(await upload({ 'kad.csv': goodFile }, analyst))).status).toBe(403);
    expect((await errorOf(await api.get('/api/imports/999/errors', admin))).status).toBe(404);
  });

  it('streams uploads to disk: a chunked body over the limit is 413, a broken body 400, and nothing is left behind', async () => {
    const post = (body: RequestInit["body"], contentType: string, extra: RequestInit = {}) =>
      api.app.request('/api/imports', {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${admin}`, 'content-type': contentType },
        ...extra,
      });
    const boundary = 'x-styringsdata-test';
    const part = (name: string, filename: string, content: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n`;
    // Chunked (no Content-Length): 80 KB in 8 KB pieces against the 64 KB limit.
    const big = new TextEncoder().encode(part('file', 'big.csv', `${header}\n${'x'.repeat(80 * 1024)}`) + `--${boundary}--\r\n`);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < big.length; offset += 8192) controller.enqueue(big.subarray(offset, offset + 8192));
        controller.close();
      },
    });
    expect(await errorOf(await post(chunked, `multipart/form-data; boundary=${boundary}`, { duplex: 'half' } as RequestInit))).toMatchObject({ status: 413, code: 'too_large' });
    // A body cut off in the middle of the part, and a multipart type without a boundary.
    const broken = await errorOf(await post(part('file', 'cut.csv', goodFile).slice(0, 200), `multipart/form-data; boundary=${boundary}`));
    expect(broken).toMatchObject({ status: 400 });
    expect(broken.message).toMatch(/not valid multipart\/form-data/);
    expect(await errorOf(await post('a', 'multipart/form-data'))).toMatchObject({ status: 400 });
    // Only the field "file" counts; another field with a file is ignored.
    const other = await errorOf(await post(part('notes', 'notes.csv', goodFile) + `--${boundary}--\r\n`, `multipart/form-data; boundary=${boundary}`));
    expect(other).toMatchObject({ status: 400 });
    expect(other.message).toContain('field "file"');
    expect(readdirSync(join(api.dir, 'imports')).filter((name) => name.startsWith('upload-'))).toEqual([]);
  });

  it('commits new hospital stays together with their episodes: a reader never sees one without the other', async () => {
    // 300 stays of 300 new patients. Read straight from DuckDB (no ensureDerived in between), again
    // and again during the upload: stays and stored episodes must always be both old or both new.
    const read = () =>
      api.warehouse.withConnection(async (c) => {
        const [stays, patients] = (await c.runAndReadAll(`SELECT (SELECT count(*) FROM hospital_stay),
          (SELECT count(DISTINCT patient_id) FROM derived_episode WHERE episode_area = 'all')`)).getRows()[0]!;
        return `${stays}:${patients}`;
      });
    const before = await read();
    const [stays, patients] = before.split(':').map(Number) as [number, number];
    const file = csv(hospitalColumns, Array.from({ length: 300 }, (_, i) => stay({ opphold_id: `HX${i}`, pasient_id: `PX${i}`, kommunenr: '4204' })));
    const observed = new Set<string>();
    let uploading = true;
    const reader = (async () => {
      while (uploading) observed.add(await read());
    })();
    const response = await upload({ 'sykehus-nye.csv': file });
    uploading = false;
    await reader;
    observed.add(await read());
    expect(((await response.json()) as ImportSummary).files[0]).toMatchObject({ kind: 'sykehusopphold', status: 'imported', rowsImported: 300 });
    const after = `${stays + 300}:${patients + 300}`;
    expect([...observed].filter((seen) => seen !== before && seen !== after)).toEqual([]);
    expect(observed).toContain(after);
  });

  it('audits each uploaded file', async () => {
    const rows = await audited('import');
    expect(rows.map((r) => r.target)).toEqual(expect.arrayContaining(['kad-mai.csv', 'kad-juni.csv']));
    expect(String(rows.find((r) => r.target === 'kad-juni.csv')?.outcome)).toContain('rejected');
  });

  it('reports a row with too few values with its line and count, over HTTP as on the command line', async () => {
    // Issue 9: line 4 of a 12-column file holds 4 values.
    const text = csv(hospitalColumns, [stay({ opphold_id: 'SH1' }), stay({ opphold_id: 'SH2' })]) + 'H00802;HP00802;4204;80\n';
    const file = ((await (await upload({ 'kort-rad.csv': text }, admin, { acceptRejects: 'true' })).json()) as ImportSummary).files[0]!;
    expect(file).toMatchObject({ status: 'imported', rowsRead: 3, rowsImported: 2, rowsRejected: 1 });
    const message = 'the row has 4 values instead of 12 (a value or a delimiter is missing)';
    expect(file.errors).toEqual([{ line: 4, column: 'kjonn', message }]);
    expect(await (await api.get(`/api/imports/${file.importId}/errors`, admin)).json()).toEqual([
      { line: 4, column: 'kjonn', message, rawLine: 'H00802;HP00802;4204;80' },
    ]);
  });
});

/** The audit log's entries of one action, oldest first, after writing what is queued. */
async function audited(action: string): Promise<{ username: string | null; target: string | null; parameters: unknown; outcome: string | null }[]> {
  await api.auditLog.flush();
  const rows = await api.privateStore.withConnection(async (c) =>
    (await c.runAndReadAll(`SELECT username, target, parameters, outcome FROM audit_log WHERE action = $1 ORDER BY id`, [action])).getRowObjectsJS(),
  );
  return rows.map((r) => ({
    username: r.username as string | null,
    target: r.target as string | null,
    parameters: r.parameters === null ? null : JSON.parse(String(r.parameters)),
    outcome: r.outcome as string | null,
  }));
}

describe('the audit of refusals and of the views that show file contents', () => {
  it('records each 403 with the user, the path, the method and the role it needed', async () => {
    const viewer = await api.userToken('viewer3', 'viewer');
    const leader = await api.userToken('leader3', 'leader', ['4204']);
    expect((await errorOf(await upload({ 'kad.csv': goodFile }, viewer))).status).toBe(403);
    expect((await errorOf(await api.get('/api/imports/1/errors', leader))).status).toBe(403);
    expect((await errorOf(await api.get('/api/imports', leader))).status).toBe(403);
    // analyst2's refused upload (the 403 test above) comes first.
    expect(await audited('forbidden')).toEqual([
      { username: 'analyst2', target: '/api/imports', parameters: { method: 'POST', required: ['admin'] }, outcome: 'refused: role analyst' },
      { username: 'viewer3', target: '/api/imports', parameters: { method: 'POST', required: ['admin'] }, outcome: 'refused: role viewer' },
      { username: 'leader3', target: '/api/imports/1/errors', parameters: { method: 'GET', required: ['admin'] }, outcome: 'refused: role leader' },
      { username: 'leader3', target: '/api/imports', parameters: { method: 'GET', required: ['admin'] }, outcome: 'refused: role leader' },
    ]);
    // Refused before anything was read: no view of the import was recorded for them.
    expect((await audited('import_errors')).filter((r) => r.username !== 'admin1')).toEqual([]);
  });

  it('records who looked at an import\'s rejected rows and at the import log', async () => {
    const before = (await audited('import_errors')).length;
    const file = ((await (await upload({ 'kad-juli.csv': badFile.replace(/uq-/g, 'us-') }, admin, { acceptRejects: 'true' })).json()) as ImportSummary).files[0]!;
    expect((await api.get(`/api/imports/${file.importId}/errors`, admin)).status).toBe(200);
    expect((await errorOf(await api.get('/api/imports/9999/errors', admin))).status).toBe(404);
    const log = (await (await api.get('/api/imports', admin)).json()) as unknown[];
    expect((await audited('import_errors')).slice(before)).toEqual([
      { username: 'admin1', target: `import ${file.importId}`, parameters: { importId: file.importId }, outcome: '1 rows' },
      { username: 'admin1', target: 'import 9999', parameters: { importId: 9999 }, outcome: 'not found' },
    ]);
    expect((await audited('import_log')).at(-1)).toEqual({ username: 'admin1', target: null, parameters: null, outcome: `${log.length} entries` });
  });
});
