// Cross-site request forgery shapes against a cookie session, on the real app. app.request() sends to
// http://localhost, so this server's own origin is "http://localhost".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeServer } from './edge-server.ts';
import { apiHarness, errorOf, type ApiHarness } from './harness.ts';

let api: ApiHarness;
let token: string;
let cookie: string;
beforeAll(async () => {
  api = await apiHarness();
  token = await api.userToken('analyst1', 'analyst');
  cookie = `styringsdata_session=${token}`;
});
afterAll(() => api.close());

const own = 'http://localhost';
const runSql = (headers: Record<string, string>, body = JSON.stringify({ sql: 'SELECT 42 AS answer' })) =>
  api.app.request('/api/sql', { method: 'POST', headers, body });

/** The status, after reading the body: an unread SQL answer would keep its query slot. */
async function statusOf(response: Response): Promise<number> {
  await response.arrayBuffer();
  return response.status;
}

async function expectCsrf(response: Response, messagePart: string | RegExp): Promise<void> {
  const error = await errorOf(response);
  expect(error).toMatchObject({ status: 403, code: 'csrf' });
  expect(error.message).toMatch(messagePart);
}

describe('a cookie session', () => {
  it('runs same-origin JSON (Origin, or Sec-Fetch-Site: same-origin without Origin)', async () => {
    const byOrigin = await runSql({ cookie, 'content-type': 'application/json', origin: own });
    expect(byOrigin.status).toBe(200);
    expect(await byOrigin.json()).toMatchObject({ rows: [[42]] });
    expect(await statusOf(await runSql({ cookie, 'content-type': 'application/json; charset=utf-8', 'sec-fetch-site': 'same-origin' }))).toBe(200);
  });

  it('refuses bodies a cross-site form can send without a preflight: text/plain, form-urlencoded, multipart', async () => {
    await expectCsrf(await runSql({ cookie, 'content-type': 'text/plain', origin: own }), /application\/json; "text\/plain" is refused/);
    await expectCsrf(await runSql({ cookie, 'content-type': 'application/x-www-form-urlencoded', origin: own }, 'sql=SELECT+1'), 'application/json');
    await expectCsrf(await runSql({ cookie, 'content-type': 'multipart/form-data; boundary=x', origin: own }), 'application/json');
    await expectCsrf(await api.app.request('/api/sql', { method: 'POST', headers: { cookie, origin: own } }), 'a request without a content type');
  });

  it('refuses JSON from a foreign origin and from a sibling port on the same host', async () => {
    await expectCsrf(await runSql({ cookie, 'content-type': 'application/json', origin: 'https://evil.example' }), 'sent from https://evil.example');
    await expectCsrf(await runSql({ cookie, 'content-type': 'application/json', origin: 'http://localhost:5173' }), 'not from this server\'s pages (http://localhost)');
    await expectCsrf(await runSql({ cookie, 'content-type': 'application/json', origin: 'null' }), 'sent from null');
  });

  it('refuses what the browser marks as same-site or cross-site, whatever the Origin says', async () => {
    await expectCsrf(await runSql({ cookie, 'content-type': 'application/json', 'sec-fetch-site': 'same-site', origin: 'http://localhost:3001' }), 'Sec-Fetch-Site: same-site');
    await expectCsrf(await runSql({ cookie, 'content-type': 'application/json', 'sec-fetch-site': 'cross-site', origin: own }), 'Sec-Fetch-Site: cross-site');
  });

  it('refuses JSON that says neither Origin nor Sec-Fetch-Site', async () => {
    await expectCsrf(await runSql({ cookie, 'content-type': 'application/json' }), 'must say where it comes from');
  });

  it('covers every state-changing method: saving, deleting and logging out need JSON from this origin', async () => {
    const headers = { cookie, 'content-type': 'application/json', origin: own };
    const saved = await api.app.request('/api/sql/saved', { method: 'POST', headers, body: JSON.stringify({ title: 'Svaret', sql: 'SELECT 42' }) });
    expect(saved.status).toBe(201);
    const { id } = (await saved.json()) as { id: number };
    await expectCsrf(await api.app.request(`/api/sql/saved/${id}`, { method: 'DELETE', headers: { cookie, origin: own } }), 'without a content type');
    await expectCsrf(await api.app.request(`/api/sql/saved/${id}`, { method: 'DELETE', headers: { cookie, 'content-type': 'application/json', origin: 'http://127.0.0.1' } }), 'sent from http://127.0.0.1');
    expect((await api.app.request(`/api/sql/saved/${id}`, { method: 'DELETE', headers })).status).toBe(204);
    await expectCsrf(await api.app.request('/api/auth/logout', { method: 'POST', headers: { cookie, 'content-type': 'text/plain', origin: own } }), 'application/json');
    expect((await api.get('/api/auth/me', token)).status).toBe(200); // the refused logout ended nothing
  });

  it('uploads multipart/form-data from this origin (and only to the upload route)', async () => {
    const admin = await api.userToken('admin1', 'admin');
    const boundary = 'csrf-test';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="notes.csv"\r\n\r\na;b\n1;2\n\r\n--${boundary}--\r\n`;
    const type = `multipart/form-data; boundary=${boundary}`;
    const adminCookie = `styringsdata_session=${admin}`;
    const upload = await api.app.request('/api/imports', { method: 'POST', headers: { cookie: adminCookie, 'content-type': type, origin: own }, body });
    expect(upload.status).toBe(200);
    await expectCsrf(await api.app.request('/api/imports', { method: 'POST', headers: { cookie: adminCookie, 'content-type': type, origin: 'https://evil.example' }, body }), 'evil.example');
  });
});

describe('without a cookie', () => {
  it('leaves Bearer requests alone: no Origin, any content type', async () => {
    const bearer = { authorization: `Bearer ${token}` };
    expect(await statusOf(await runSql({ ...bearer, 'content-type': 'application/json' }))).toBe(200);
    expect(await statusOf(await runSql({ ...bearer, 'content-type': 'text/plain', origin: 'https://evil.example' }))).toBe(200);
  });

  it('leaves requests with neither cookie nor token to authentication (401, not 403)', async () => {
    expect((await errorOf(await runSql({ 'content-type': 'text/plain', origin: 'https://evil.example' }))).status).toBe(401);
  });

  it('asks JSON of the login, accepts it without Origin (scripts) and refuses it from a foreign page', async () => {
    const credentials = JSON.stringify({ username: 'analyst1', password: 'password-analyst1' });
    const login = (headers: Record<string, string>) => api.app.request('/api/auth/login', { method: 'POST', headers, body: credentials });
    await expectCsrf(await login({ 'content-type': 'text/plain' }), 'application/json');
    await expectCsrf(await login({ 'content-type': 'application/json', origin: 'https://evil.example' }), 'evil.example');
    expect((await login({ 'content-type': 'application/json' })).status).toBe(200);
    expect((await login({ 'content-type': 'application/json', origin: own })).status).toBe(200);
  });
});

describe('behind a trusted reverse proxy (TLS ends there)', () => {
  it('accepts the origin the proxy forwards (X-Forwarded-Proto/-Host) only from a trusted proxy', async () => {
    // app.request() has no socket, so its peer is "unknown": a proxy that is not trusted.
    const headers = { cookie, 'content-type': 'application/json', origin: 'https://styringsdata.kommune.no', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'styringsdata.kommune.no' };
    await expectCsrf(await runSql(headers), 'not from this server\'s pages (http://localhost)');
  });

  it('on a real server whose peer 127.0.0.1 is a trusted proxy: the forwarded origin is this server, another is not', async () => {
    const edge = await edgeServer({ trustedProxies: ['127.0.0.1'] });
    try {
      await edge.addUser('analyst2', 'analyst');
      const session = `styringsdata_session=${await edge.login('analyst2')}`;
      const forwarded = { cookie: session, 'content-type': 'application/json', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'styringsdata.kommune.no' };
      const post = (origin: string) => fetch(`${edge.url}/api/sql`, { method: 'POST', headers: { ...forwarded, origin }, body: JSON.stringify({ sql: 'SELECT 1 AS one' }) });
      expect(await statusOf(await post('https://styringsdata.kommune.no'))).toBe(200);
      await expectCsrf(await post('http://styringsdata.kommune.no'), 'https://styringsdata.kommune.no');
      await expectCsrf(await post('https://evil.example'), 'evil.example');
    } finally {
      await edge.close();
    }
  });
});
