// Who is asking: a session token from the cookie or `Authorization: Bearer`, or the local import
// hand-off token (server.json), which is an admin for /api/imports only.
import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../http-error.ts';
import type { ApiRuntime } from '../runtime.ts';
import type { Role, SessionUser } from '../../contract/types.ts';

export const sessionCookie = 'styringsdata_session';
export const cliUser: SessionUser = { username: 'cli', role: 'admin', municipalities: [] };

/** The token the request carries, if any (header first, then cookie). */
export function requestToken(authorization: string | undefined, cookie: string | undefined): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return bearer?.[1] ?? cookie ?? null;
}

export function authenticate(runtime: ApiRuntime): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = requestToken(c.req.header('authorization'), getCookie(c, sessionCookie));
    if (!token) throw new ApiError(401, 'unauthenticated', 'Log in first: POST /api/auth/login, then send the session cookie or Authorization: Bearer <token>.');
    if (runtime.cliToken && sameSecret(token, runtime.cliToken)) {
      if (!c.req.path.startsWith('/api/imports')) {
        await c.get('services').audit(cliUser, { action: 'forbidden', target: c.req.path, parameters: { method: c.req.method }, outcome: 'refused: hand-off token' });
        throw new ApiError(403, 'forbidden', 'The import hand-off token may only be used for /api/imports.');
      }
      c.set('user', cliUser);
      return next();
    }
    const user = await runtime.sessions.resolve(token);
    if (!user) throw new ApiError(401, 'session_expired', 'The session has expired or was ended. Log in again.');
    c.set('user', user);
    return next();
  };
}

export function requireRole(...allowed: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = c.get('user');
    if (!allowed.includes(user.role)) {
      // A known user reaching for what their role does not allow is worth a trace (issue 9).
      await c.get('services').audit(user, {
        action: 'forbidden',
        target: c.req.path,
        parameters: { method: c.req.method, required: allowed },
        outcome: `refused: role ${user.role}`,
      });
      throw new ApiError(403, 'forbidden', `This needs the role ${allowed.join(' or ')}; you are logged in as ${user.role}.`);
    }
    return next();
  };
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
