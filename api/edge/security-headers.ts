// Security headers on every answer, API and dashboard alike (hono/secure-headers). The
// Content-Security-Policy lets the dashboard load only its own scripts, styles and data: no other
// origin, no eval, no plugins, no framing (frame-ancestors 'none' plus X-Frame-Options DENY for older
// browsers), no <base> or form posts elsewhere.
// SvelteKit's static build starts the app with one inline <script> in index.html whose text changes
// with every build. Rather than 'unsafe-inline', HTML answers get the SHA-256 of each inline script
// they actually carry, computed from the bytes being sent — always in step with the build on disk.
// Styles allow 'unsafe-inline': Svelte templates and ECharts tooltips write style="" attributes, and
// an injected style cannot run code.
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

const policy = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** index.html is a few KB; larger HTML is not rewritten (and would get no inline script). */
const maxHtmlBytes = 1024 * 1024;

export function securityHeaders(): MiddlewareHandler {
  const headers = secureHeaders({
    contentSecurityPolicy: policy,
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    // HSTS belongs to whatever terminates TLS (a reverse proxy); over plain http it means nothing.
    strictTransportSecurity: false,
  });
  return async (c, next) => {
    await headers(c, next);
    const type = c.res.headers.get('content-type') ?? '';
    if (!/^text\/html\b/i.test(type) || !c.res.body) return;
    if (Number(c.res.headers.get('content-length') ?? 0) > maxHtmlBytes) return;
    const bytes = new Uint8Array(await c.res.arrayBuffer());
    const hashes = inlineScriptHashes(new TextDecoder().decode(bytes));
    const response = new Response(bytes, c.res);
    const csp = response.headers.get('content-security-policy') ?? '';
    response.headers.set(
      'content-security-policy',
      csp.replace(/(^|;\s*)script-src ([^;]*)/, (_all, start: string, sources: string) => `${start}script-src ${[sources, ...hashes].join(' ')}`),
    );
    c.res = undefined;
    c.res = response;
  };
}

/** 'sha256-…' of each <script> without src, as CSP level 2 defines it (the UTF-8 bytes of its text). */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (/\bsrc\s*=/i.test(match[1] ?? '')) continue;
    hashes.push(`'sha256-${createHash('sha256').update(match[2] ?? '', 'utf8').digest('base64')}'`);
  }
  return hashes;
}
