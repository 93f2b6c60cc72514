// Cross-site request forgery: another site's page makes the victim's browser send a request that
// carries the session cookie. SameSite=Strict does not cover sibling ports or hosts of the same site,
// so every state-changing request that a browser could send on its own is checked here:
// - Content-Type must be application/json (multipart/form-data for an upload). A cross-origin page
//   can only send form and text/plain bodies without a CORS preflight, and the server allows no CORS.
// - The request must come from this server's own pages: Sec-Fetch-Site same-origin (or none: typed
//   by the user), else an Origin equal to this server's origin. A cookie request with neither header
//   is refused; a request without a cookie and without Origin (curl, scripts) is not a browser's.
// The login is checked too (no cookie yet): another site must not log the browser into its account.
// Requests that authenticate with `Authorization: Bearer` (CLI, scripts, the import hand-off) are not
// checked: a browser never adds that header to a cross-site request by itself. Nor are requests with
// neither cookie nor token: they carry no authority to abuse and get their 401 from authentication.
// hono/csrf checks Origin/Sec-Fetch-Site only for form and text/plain bodies; the rules above need
// both checks on every body, so they are written out here.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { sessionCookie } from '../auth/middleware.ts';
import { ApiError } from '../http-error.ts';
import { isUpload } from './body-limits.ts';
import type { ClientAddresses } from './client-address.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
const json = /^application\/json\s*(;|$)/i;

const refuse = (message: string) => new ApiError(403, 'csrf', message);

export function csrfProtection(clientAddresses: ClientAddresses): MiddlewareHandler {
  return async (c, next) => {
    if (safeMethods.has(c.req.method)) return next();
    if (/^Bearer\s+\S+$/i.test(c.req.header('authorization') ?? '')) return next();
    const cookieSession = getCookie(c, sessionCookie) !== undefined;
    if (!cookieSession && c.req.path.replace(/\/+$/, '') !== '/api/auth/login') return next();

    const type = c.req.header('content-type') ?? '';
    if (!json.test(type) && !isUpload(c))
      throw refuse(
        `Send the request as Content-Type: application/json${c.req.path.startsWith('/api/imports') ? ' (or upload files as multipart/form-data)' : ''}; ` +
          `${type ? `"${type.split(';')[0]}"` : 'a request without a content type'} is refused here (cross-site request protection).`,
      );

    const site = c.req.header('sec-fetch-site');
    const origin = c.req.header('origin');
    if (site !== undefined) {
      if (site === 'same-origin' || (site === 'none' && origin === undefined)) return next();
      throw refuse(`The request was sent from another site's page (Sec-Fetch-Site: ${site}); only this server's own pages may send it.`);
    }
    if (origin !== undefined) {
      const own = ownOrigins(c, clientAddresses);
      if (own.includes(origin)) return next();
      throw refuse(`The request was sent from ${origin}, not from this server's pages (${own.join(' or ')}).`);
    }
    if (cookieSession)
      throw refuse('A request with the session cookie must say where it comes from (Origin or Sec-Fetch-Site); use a current browser or Authorization: Bearer.');
    return next();
  };
}

/** This server's origin as the browser sees it: from the request URL, or through a trusted proxy from X-Forwarded-Proto/-Host. */
function ownOrigins(c: Context, clientAddresses: ClientAddresses): string[] {
  const origins = [new URL(c.req.url).origin];
  if (clientAddresses.viaTrustedProxy(c)) {
    const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim();
    const host = c.req.header('x-forwarded-host')?.split(',')[0]?.trim() ?? c.req.header('host');
    if (proto && host) origins.push(`${proto}://${host}`);
  }
  return origins;
}
