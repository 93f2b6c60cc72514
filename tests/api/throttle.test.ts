// The login throttle under concurrency, per account and per client address, and X-Forwarded-For only
// from a trusted proxy. Every 401 "invalid_credentials" means the password was checked, so counting
// the answers counts the checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../api/auth/users.ts';
import { hashingSlots, passwordWorkRunning } from '../../api/auth/passwords.ts';
import { apiHarness, errorOf, type ApiHarness } from './harness.ts';
import { edgeServer, type EdgeServer } from './edge-server.ts';

const loginOver = (fetchLike: (path: string, init: RequestInit) => Promise<Response> | Response) =>
  (username: string, password: string, headers: Record<string, string> = {}) =>
    fetchLike('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ username, password }),
    });

function statusCounts(responses: Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const response of responses) counts[response.status] = (counts[response.status] ?? 0) + 1;
  return counts;
}

describe('parallel guesses on one account', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    // A short window so the test can see it pass; maxFailures stays at its default, 5.
    api = await apiHarness({ app: { throttle: { baseDelayMs: 1, maxDelayMs: 5, windowMs: 3000 } } });
    await api.userToken('kari', 'viewer');
  });
  afterAll(() => api.close());
  const login = loginOver((path, init) => api.app.request(path, init));

  it('lets at most 5 of 100 simultaneous wrong passwords reach the password check; the other 95 get 429', async () => {
    const responses = await Promise.all(Array.from({ length: 100 }, (_, index) => login('kari', `guess-${index}`)));
    // The first 5 take the 5 slots synchronously, before any of them is checked; 100 − 5 = 95 find them taken.
    expect(statusCounts(responses)).toEqual({ 401: 5, 429: 95 });
    const refused = responses.find((response) => response.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await errorOf(refused)).code).toBe('too_many_attempts');
  });

  it('refuses the right password until the window has passed, then lets it in', async () => {
    const refused = await login('kari', 'password-kari');
    expect(refused.status).toBe(429);
    // The 5 failures expire 3 s after they were recorded; Retry-After rounds up to whole seconds.
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 100));
    expect((await login('kari', 'password-kari')).status).toBe(200);
  });

  it(`runs at most ${hashingSlots} password hashes at once; more logins wait instead of failing`, async () => {
    await Promise.all(Array.from({ length: 8 }, (_, index) =>
      createUser(api.runtime.services.privateStore, { username: `many${index}`, password: `password-many${index}`, role: 'viewer' })));
    let most = 0;
    const sampler = setInterval(() => (most = Math.max(most, passwordWorkRunning())), 1);
    const responses = await Promise.all(Array.from({ length: 8 }, (_, index) => login(`many${index}`, `password-many${index}`)));
    clearInterval(sampler);
    expect(statusCounts(responses)).toEqual({ 200: 8 });
    expect(most).toBe(hashingSlots); // 8 checks, never more than 2 at a time
  });
});

describe('the client address behind a proxy (real server, logins from 127.0.0.1)', () => {
  // 8 failures per address instead of 20 keep the test short; 5 per account as by default.
  const throttle = { baseDelayMs: 1, maxDelayMs: 5, maxFailuresPerAddress: 8 };
  let direct: EdgeServer;
  let proxied: EdgeServer;
  beforeAll(async () => {
    direct = await edgeServer({ throttle, trustedProxies: [] });
    proxied = await edgeServer({ throttle, trustedProxies: ['127.0.0.1', '10.0.0.0/8'] });
    for (const edge of [direct, proxied]) await edge.addUser('ola', 'viewer');
  });
  afterAll(async () => {
    await direct?.close();
    await proxied?.close();
  });
  const loginAt = (edge: () => EdgeServer) => loginOver((path, init) => fetch(`${edge().url}${path}`, init));
  const loginDirect = loginAt(() => direct);
  const loginProxied = loginAt(() => proxied);

  it('ignores X-Forwarded-For without a trusted proxy: 8 failures on 8 accounts "from" 8 addresses block the socket address', async () => {
    for (let index = 0; index < 8; index++)
      expect((await loginDirect(`user${index}`, 'wrong', { 'x-forwarded-for': `198.51.100.${index}` })).status).toBe(401);
    const next = await loginDirect('ola', 'password-ola', { 'x-forwarded-for': '198.51.100.200' });
    expect(next.status).toBe(429);
  });

  it('honours X-Forwarded-For from a trusted proxy: each forwarded client has its own count', async () => {
    for (let index = 0; index < 8; index++)
      expect((await loginProxied(`user${index}`, 'wrong', { 'x-forwarded-for': `198.51.100.${index}` })).status).toBe(401);
    // 127.0.0.1 itself is a proxy, not a client: it is not counted, so a ninth client logs in.
    expect((await loginProxied('ola', 'password-ola', { 'x-forwarded-for': '198.51.100.200' })).status).toBe(200);
    // One forwarded client with 8 failures on 8 accounts is blocked, even on a ninth account. The
    // address written left of it by the client is ignored; 10.0.0.7 is a trusted hop and skipped.
    for (let index = 0; index < 8; index++)
      expect((await loginProxied(`other${index}`, 'wrong', { 'x-forwarded-for': `1.2.3.${index}, 203.0.113.7, 10.0.0.7` })).status).toBe(401);
    expect((await loginProxied('ola', 'password-ola', { 'x-forwarded-for': '9.9.9.9, 203.0.113.7' })).status).toBe(429);
  });

  it('limits an account across addresses: 5 failures from one client block the right password from another', async () => {
    await proxied.addUser('per', 'viewer');
    for (let index = 0; index < 5; index++)
      expect((await loginProxied('per', `guess-${index}`, { 'x-forwarded-for': '192.0.2.1' })).status).toBe(401);
    const elsewhere = await loginProxied('per', 'password-per', { 'x-forwarded-for': '192.0.2.2' });
    expect(elsewhere.status).toBe(429);
  });
});
