// Specification: every call of the dashboard, the SQL workbench's too (web/src/lib/sql/api.ts), goes
// through lib/api.ts's apiFetch, so a 401 anywhere outside /api/auth/ tells the layout the session is
// lost (it then sends the user to the login page). The browser's fetch is replaced by the real app's
// app.request(), so the answers are the API's own.
// The two web modules use the browser's types (XMLHttpRequest, document), which the root tsconfig
// leaves out on purpose; they are loaded through a path in a variable, so that tsc does not pull them
// in, and typed here by the little this test uses (svelte-check types them in full).
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiHarness, type ApiHarness } from '../api/harness.ts';

const dashboardClientPath = '../../web/src/lib/api.ts';
const workbenchClientPath = '../../web/src/lib/sql/api.ts';
type ErrorClass = new (...args: never[]) => Error;
const { api: client, ApiFailure, whenSessionLost } = (await import(dashboardClientPath)) as {
  api: { me(): Promise<unknown> };
  ApiFailure: new (kind: string, message: string) => Error;
  whenSessionLost(handler: () => void): void;
};
const { fetchSchema, listSaved, runQuery, SqlRequestError } = (await import(workbenchClientPath)) as {
  fetchSchema(): Promise<{ tables: unknown[] }>;
  listSaved(): Promise<unknown[]>;
  runQuery(sql: string, rows: number): Promise<unknown>;
  SqlRequestError: ErrorClass;
};

let api: ApiHarness;
let bearer: string | null = null;
let sessionsLost = 0;
beforeAll(async () => {
  api = await apiHarness();
  whenSessionLost(() => (sessionsLost += 1));
  vi.stubGlobal('fetch', (path: string, init: RequestInit = {}) =>
    api.app.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) } }),
  );
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await api.close();
});
beforeEach(() => {
  sessionsLost = 0;
  bearer = null;
});

describe('the workbench client', () => {
  it('without a session: the 401 is reported as a lost session, and the call fails with the API’s code', async () => {
    await expect(fetchSchema()).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(listSaved()).rejects.toBeInstanceOf(SqlRequestError);
    expect(sessionsLost).toBe(2);
  });

  it('a viewer is refused (403), which is not a lost session', async () => {
    bearer = await api.userToken('viewer-sql', 'viewer');
    await expect(fetchSchema()).rejects.toMatchObject({ code: 'forbidden' });
    expect(sessionsLost).toBe(0);
  });

  it('an analyst gets the schema; nothing is reported', async () => {
    bearer = await api.userToken('analyst-sql', 'analyst');
    expect((await fetchSchema()).tables.length).toBeGreaterThan(0);
    expect(sessionsLost).toBe(0);
  });
});

describe('apiFetch', () => {
  it('a 401 from /api/auth/ (a wrong password, "who am I" before login) is not a lost session', async () => {
    await expect(client.me()).rejects.toMatchObject({ kind: 'session', status: 401 });
    expect(sessionsLost).toBe(0);
  });

  it('an unreachable server is ApiFailure("network"); a cancelled query stays an AbortError', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(fetchSchema()).rejects.toEqual(new ApiFailure('network', 'network'));
    vi.stubGlobal('fetch', () => Promise.reject(new DOMException('The operation was aborted.', 'AbortError')));
    await expect(runQuery('SELECT 1', 10)).rejects.toMatchObject({ name: 'AbortError' });
    expect(sessionsLost).toBe(0);
  });
});
