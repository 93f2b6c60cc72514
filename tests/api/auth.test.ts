// Logins, sessions and roles over HTTP on the real app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disableUser, findUser } from '../../api/auth/users.ts';
import { apiHarness, errorOf, type ApiHarness } from './harness.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await apiHarness();
});
afterAll(() => api.close());

const login = (username: string, password: string) =>
  api.app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });

describe('login', () => {
  it('stores an argon2id hash (19 MiB, 2 passes), never the password', async () => {
    await api.userToken('hasher', 'analyst');
    const user = await findUser(api.privateStore, 'hasher');
    expect(user?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(user?.passwordHash).not.toContain('password-hasher');
  });

  it('returns a token and the user, and sets an HttpOnly SameSite=Strict cookie that works alone', async () => {
    await api.userToken('leader1', 'leader', ['4204', '4223']);
    const response = await login('leader1', 'password-leader1');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; user: unknown };
    expect(body.user).toEqual({ username: 'leader1', role: 'leader', municipalities: ['4204', '4223'] });
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`styringsdata_session=${body.token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/i); // plain http on loopback
    const proxied = await api.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ username: 'leader1', password: 'password-leader1' }),
    });
    expect(proxied.headers.get('set-cookie')).toMatch(/Secure/i);
    const me = await api.app.request('/api/auth/me', { headers: { cookie: `styringsdata_session=${body.token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe('leader1');
  });

  it('answers 401 for a wrong password and for an unknown user alike', async () => {
    expect(await errorOf(await login('leader1', 'wrong-password'))).toMatchObject({ status: 401, code: 'invalid_credentials' });
    expect(await errorOf(await login('nobody', 'wrong-password'))).toMatchObject({ status: 401, code: 'invalid_credentials' });
  });

  it('answers 400 naming the missing field', async () => {
    const error = await errorOf(
      await api.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"x"}' }),
    );
    expect(error.status).toBe(400);
    expect(error.message).toContain('password');
  });

  it('slows down and then refuses repeated failures with 429 and Retry-After, even with the right password', async () => {
    await api.userToken('target', 'viewer');
    for (let i = 0; i < 5; i++) expect((await login('target', `guess-${i}`)).status).toBe(401);
    const refused = await login('target', 'password-target');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await errorOf(refused)).code).toBe('too_many_attempts');
  });

  it('refuses a disabled user and ends their sessions', async () => {
    const token = await api.userToken('leaver', 'analyst');
    expect((await api.get('/api/auth/me', token)).status).toBe(200);
    await disableUser(api.privateStore, 'leaver');
    api.runtime.sessions.forgetUser('leaver'); // the users CLI runs without the server; here both share a process
    expect((await api.get('/api/auth/me', token)).status).toBe(401);
    expect((await login('leaver', 'password-leaver')).status).toBe(401);
  });
});

describe('sessions', () => {
  it('no token → 401 on every protected route', async () => {
    for (const path of ['/api/municipalities', '/api/collaborations', '/api/metrics', '/api/metrics/kad-stays', '/api/compare/kad-stays', '/api/imports']) {
      const error = await errorOf(await api.get(path));
      expect(error, path).toMatchObject({ status: 401, code: 'unauthenticated' });
    }
    expect((await api.app.request('/api/sql', { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('a made-up token → 401', async () => {
    expect((await api.get('/api/metrics', 'A'.repeat(43))).status).toBe(401);
  });

  it('logout revokes the session', async () => {
    const token = await api.userToken('outgoing', 'viewer');
    const out = await api.app.request('/api/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(out.status).toBe(200);
    expect((await errorOf(await api.get('/api/metrics', token))).status).toBe(401);
  });

  it('an expired session → 401', async () => {
    const short = await apiHarness({ app: { sessionTtlMs: 300 } });
    try {
      const token = await short.userToken('brief', 'analyst');
      expect((await short.get('/api/metrics', token)).status).toBe(200);
      await new Promise((done) => setTimeout(done, 400));
      expect(await errorOf(await short.get('/api/metrics', token))).toMatchObject({ status: 401, code: 'session_expired' });
    } finally {
      await short.close();
    }
  });

  it('only the SHA-256 of the token is stored', async () => {
    const token = await api.userToken('stored', 'viewer');
    const stored = await api.privateStore.withConnection(async (c) =>
      (await c.runAndReadAll(`SELECT token_hash FROM app_session WHERE username = 'stored'`)).getRows().map((r) => String(r[0])),
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0]).not.toContain(token);
  });
});

describe('roles', () => {
  it('wrong role → 403: viewer, leader and analyst may not import; viewer and leader may not use SQL', async () => {
    const viewer = await api.userToken('viewer1', 'viewer');
    const analyst = await api.userToken('analyst1', 'analyst');
    for (const token of [viewer, analyst]) expect((await errorOf(await api.get('/api/imports', token))).status).toBe(403);
    const sql = await api.app.request('/api/sql', {
      method: 'POST',
      headers: { authorization: `Bearer ${viewer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sql: 'SELECT 1' }),
    });
    expect(sql.status).toBe(403);
  });
  // The first admin at start-up: tests/api/first-admin.test.ts.
});

describe('edges', () => {
  it('unknown /api paths answer a JSON 404 without asking for a login', async () => {
    expect(await errorOf(await api.get('/api/nothing-here'))).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('health needs no login', async () => {
    const response = await api.get('/api/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });
});
