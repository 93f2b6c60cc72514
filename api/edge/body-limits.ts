// Request bodies are bounded before anything parses them (hono/body-limit): an announced
// Content-Length over the limit is refused before a byte is read; a chunked body is counted while it
// arrives and refused as soon as it passes the limit. @hono/node-server then drains at most 64 MB or
// 0.5 s of what the client still sends and closes the connection, so a 200 MB body costs neither
// memory nor time. Uploads (multipart POST /api/imports) are the one exception: they stream to disk
// with their own limit (runtime.maxUploadBytes, api/edge/upload-stream.ts).
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../http-error.ts';

export const bodyLimits = {
  /** Username and password: a few hundred bytes. */
  login: 4 * 1024,
  /** An analyst statement (at most 100 000 characters, up to 4 bytes each in UTF-8) and its options. */
  sql: 1024 * 1024,
  /** Every other JSON body (the import hand-off's file list is the largest). */
  json: 256 * 1024,
};

export function isUpload(c: Context): boolean {
  return (
    c.req.method === 'POST' &&
    c.req.path.replace(/\/$/, '') === '/api/imports' &&
    /^multipart\/form-data\b/i.test(c.req.header('content-type') ?? '')
  );
}

function limitFor(path: string): number {
  const route = path.replace(/\/+$/, '');
  if (route === '/api/auth/login') return bodyLimits.login;
  if (route === '/api/sql' || route.startsWith('/api/sql/')) return bodyLimits.sql;
  return bodyLimits.json;
}

export function limitBodies(): MiddlewareHandler {
  const limiters = new Map(
    [...new Set(Object.values(bodyLimits))].map((maxSize) => [
      maxSize,
      bodyLimit({
        maxSize,
        onError: () => {
          throw new ApiError(413, 'too_large', `The request body is larger than the limit of ${formatBytes(maxSize)} for this route.`, {
            // Tell the client not to keep sending on this connection.
            Connection: 'close',
          });
        },
      }),
    ]),
  );
  return (c, next) => {
    if (isUpload(c)) return next();
    return limiters.get(limitFor(c.req.path))!(c, next);
  };
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MB` : `${bytes / 1024} KB`;
}
