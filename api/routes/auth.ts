// POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me.
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { authenticate, requestToken, sessionCookie } from '../auth/middleware.ts';
import { PasswordCheckBusy, timingDummyHash, verifyPassword } from '../auth/passwords.ts';
import { findUser } from '../auth/users.ts';
import type { AppEnv } from '../env.ts';
import { ApiError, badRequest, describeIssues } from '../http-error.ts';
import type { ApiRuntime } from '../runtime.ts';
import type { SessionUser } from '../../contract/types.ts';

const credentials = z.object({
  username: z.string().min(1, 'is required').max(64, 'is too long'),
  password: z.string().min(1, 'is required').max(1024, 'is too long'),
});

export function authRoutes(runtime: ApiRuntime) {
  const { sessions, throttle, services } = runtime;
  return new Hono<AppEnv>()
    .post(
      '/login',
      zValidator('json', credentials, (result) => {
        if (!result.success) throw badRequest(describeIssues(result.error));
      }),
      async (c) => {
        const { username, password } = c.req.valid('json');
        const start = throttle.begin(username, throttle.clientAddresses.of(c));
        if (!start.allowed) {
          await services.audit(null, { action: 'login', target: username, outcome: 'throttled' });
          const wait = start.retryAfterSeconds;
          throw new ApiError(429, 'too_many_attempts', `Too many failed logins. Try again in ${wait} s.`, { 'Retry-After': String(wait) });
        }
        const { attempt } = start;
        let user: Awaited<ReturnType<typeof findUser>>;
        let valid: boolean;
        try {
          if (attempt.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, attempt.delayMs));
          user = await findUser(services.privateStore, username);
          valid = await verifyPassword(user?.passwordHash ?? (await timingDummyHash()), password);
        } catch (error) {
          attempt.abandoned();
          if (error instanceof PasswordCheckBusy) throw new ApiError(503, 'busy', error.message, { 'Retry-After': '5' });
          throw error;
        }
        if (!user || !valid || user.disabled) {
          attempt.failed();
          await services.audit(null, { action: 'login', target: username, outcome: user?.disabled ? 'disabled' : 'failed' });
          throw new ApiError(401, 'invalid_credentials', 'Wrong username or password.');
        }
        attempt.succeeded();
        const sessionUser: SessionUser = { username: user.username, role: user.role, municipalities: user.municipalities };
        const session = await sessions.create(sessionUser);
        setCookie(c, sessionCookie, session.token, {
          httpOnly: true,
          sameSite: 'Strict',
          path: '/',
          // Secure when served over https, directly or behind a TLS-terminating proxy.
          secure: runtime.secureCookies || new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https',
          expires: session.expiresAt,
        });
        await services.audit(sessionUser, { action: 'login', target: username, outcome: 'ok' });
        return c.json({ token: session.token, user: sessionUser, expiresAt: session.expiresAt.toISOString() });
      },
    )
    .post('/logout', authenticate(runtime), async (c) => {
      const token = requestToken(c.req.header('authorization'), getCookie(c, sessionCookie));
      if (token) await sessions.revoke(token);
      deleteCookie(c, sessionCookie, { path: '/' });
      await services.audit(c.get('user'), { action: 'logout' });
      return c.json({ ok: true });
    })
    .get('/me', authenticate(runtime), (c) => c.json({ user: c.get('user') }));
}
