// Security headers on API answers (also errors) and on the dashboard's files, on the real server.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineScriptHashes } from '../../api/edge/security-headers.ts';
import { dashboardHtml, edgeServer, type EdgeServer } from './edge-server.ts';

let edge: EdgeServer;
beforeAll(async () => {
  edge = await edgeServer();
});
afterAll(() => edge.close());

function directives(response: Response): Map<string, string> {
  const policy = response.headers.get('content-security-policy') ?? '';
  return new Map(policy.split(/;\s*/).map((part) => [part.split(' ')[0]!, part.slice(part.indexOf(' ') + 1)]));
}

function expectCommonHeaders(response: Response): void {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  const csp = directives(response);
  expect(csp.get('default-src')).toBe("'self'");
  expect(csp.get('frame-ancestors')).toBe("'none'");
  expect(csp.get('object-src')).toBe("'none'");
  expect(csp.get('base-uri')).toBe("'none'");
  expect(csp.get('connect-src')).toBe("'self'");
}

describe('API answers', () => {
  it('carry the headers on success, on errors and on unknown paths', async () => {
    for (const [path, status] of [['/api/health', 200], ['/api/metrics', 401], ['/api/nothing', 404]] as const) {
      const response = await fetch(`${edge.url}${path}`);
      expect(response.status).toBe(status);
      expectCommonHeaders(response);
      expect(directives(response).get('script-src')).toBe("'self'");
    }
  });
});

describe('the dashboard', () => {
  it("allows index.html's own inline script by its SHA-256, nothing inline besides, and sends the bytes unchanged", async () => {
    // The test page's one inline script is "\n  window.started = \"æøå\";\n" (UTF-8, so æøå are 2 bytes each).
    const inline = '\n  window.started = "æøå";\n';
    const expected = `'sha256-${createHash('sha256').update(inline, 'utf8').digest('base64')}'`;
    expect(inlineScriptHashes(dashboardHtml)).toEqual([expected]); // the script with src= has no hash
    for (const path of ['/', '/index.html', '/kommune/4204']) {
      const response = await fetch(`${edge.url}${path}`);
      expect(response.status).toBe(200);
      expectCommonHeaders(response);
      expect(directives(response).get('script-src')).toBe(`'self' ${expected}`);
      expect(response.headers.get('content-security-policy')).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(await response.text()).toBe(dashboardHtml);
    }
  });

  it('sends scripts with nosniff and the same policy', async () => {
    const script = await fetch(`${edge.url}/app.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expectCommonHeaders(script);
  });
});
