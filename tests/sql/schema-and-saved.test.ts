// Specification: GET /api/sql/schema documents exactly what analyst SQL may query (tables, views,
// macros, with their comments; never the private application tables), and /api/sql/saved keeps each
// analyst's queries, shows shared ones to others, and lets only the owner delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SavedQuery } from '../../api/sql/saved.ts';
import type { CatalogMacro, CatalogRelation } from '../../api/sql/catalog.ts';
import { sqlHarness, type SqlHarness } from './harness.ts';

let h: SqlHarness;
beforeAll(async () => {
  h = await sqlHarness({
    seed: `CREATE VIEW stays_per_municipality AS SELECT municipality_code, count(*) AS stays FROM hospital_stay GROUP BY ALL;
      COMMENT ON VIEW stays_per_municipality IS 'Hospital stays per municipality.';
      CREATE MACRO stays_in(code) AS TABLE SELECT * FROM hospital_stay WHERE municipality_code = code;
      COMMENT ON MACRO TABLE stays_in IS 'Stays of one municipality.';`,
  });
});
afterAll(async () => h?.close());

const as = (user: string, role: 'analyst' | 'viewer' = 'analyst') => h.as(role, user);

describe('GET /api/sql/schema', () => {
  it('lists the documented tables, views and macros with comments, and no private table', async () => {
    const response = await h.app.request('/api/sql/schema', { headers: await as('anna') });
    expect(response.status).toBe(200);
    const schema = (await response.json()) as { tables: CatalogRelation[]; macros: CatalogMacro[] };
    const names = schema.tables.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['hospital_stay', 'municipality', 'municipality_code_map', 'stays_per_municipality']));
    for (const hidden of ['app_user', 'app_session', 'audit_log', 'saved_query']) expect(names).not.toContain(hidden);
    const municipality = schema.tables.find((t) => t.name === 'municipality')!;
    expect(municipality.kind).toBe('table');
    expect(municipality.comment).toMatch(/Current \(2024\) municipalities/);
    expect(municipality.columns[0]).toEqual({ name: 'code', type: 'VARCHAR', comment: 'Current 4-digit municipality number (SSB, 2024).' });
    expect(schema.tables.find((t) => t.name === 'stays_per_municipality')).toMatchObject({
      kind: 'view',
      comment: 'Hospital stays per municipality.',
      columns: [{ name: 'municipality_code', type: 'VARCHAR' }, { name: 'stays', type: 'BIGINT' }],
    });
    expect(schema.macros).toContainEqual({ name: 'stays_in', kind: 'table_macro', parameters: ['code'], comment: 'Stays of one municipality.' });
  });

  it('is the allowlist: what it lists can be queried', async () => {
    expect(await h.status({ sql: `SELECT * FROM stays_per_municipality` })).toBe(200);
    expect(await h.status({ sql: `SELECT * FROM stays_in('4204')` })).toBe(200);
  });
});

describe('/api/sql/saved', () => {
  const save = async (user: string, body: unknown) =>
    h.app.request('/api/sql/saved', { method: 'POST', headers: await as(user), body: JSON.stringify(body) });
  const list = async (user: string) =>
    ((await (await h.app.request('/api/sql/saved', { headers: await as(user) })).json()) as { queries: SavedQuery[] }).queries;

  it('keeps private queries private and shows shared ones to everyone', async () => {
    const mine = (await (await save('kari', { title: 'Mine', sql: 'SELECT 1' })).json()) as SavedQuery;
    const shared = await save('ola', { title: 'Reinnleggelser per diagnosegruppe', sql: 'SELECT 2', shared: true });
    expect(shared.status).toBe(201);
    expect(mine).toMatchObject({ username: 'kari', title: 'Mine', sql: 'SELECT 1', shared: false });

    expect((await list('kari')).map((q) => q.title)).toEqual(['Mine', 'Reinnleggelser per diagnosegruppe']);
    expect((await list('ola')).map((q) => q.title)).toEqual(['Reinnleggelser per diagnosegruppe']);
    expect((await h.app.request(`/api/sql/saved/${mine.id}`, { headers: await as('ola') })).status).toBe(404);
    expect((await h.app.request(`/api/sql/saved/${mine.id}`, { headers: await as('kari') })).status).toBe(200);
  });

  it('lets only the owner delete', async () => {
    const query = (await (await save('kari', { title: 'Shared', sql: 'SELECT 3', shared: true })).json()) as SavedQuery;
    expect((await h.app.request(`/api/sql/saved/${query.id}`, { method: 'DELETE', headers: await as('ola') })).status).toBe(404);
    expect((await h.app.request(`/api/sql/saved/${query.id}`, { method: 'DELETE', headers: await as('kari') })).status).toBe(204);
    expect((await list('ola')).map((q) => q.id)).not.toContain(query.id);
  });

  it('refuses an untitled query and other roles', async () => {
    const untitled = await save('kari', { title: ' ', sql: 'SELECT 1' });
    expect(untitled.status).toBe(400);
    expect(((await untitled.json()) as { error: { message: string } }).error.message).toMatch(/title/);
    expect((await h.app.request('/api/sql/saved', { headers: await as('vera', 'viewer') })).status).toBe(403);
  });
});
