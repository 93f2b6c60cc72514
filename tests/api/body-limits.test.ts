// Body size limits on a real server socket: a huge body is refused with 413 as soon as the limit is
// known — at once when Content-Length announces it, after the first kilobytes when it arrives chunked —
// without the server reading (or holding) the rest, while /api/health keeps answering.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyLimits } from '../../api/edge/body-limits.ts';
import { edgeServer, type EdgeServer } from './edge-server.ts';

const MB = 1024 * 1024;
let edge: EdgeServer;
let admin: string;
let analyst: string;

beforeAll(async () => {
  edge = await edgeServer({ maxUploadBytes: 1 * MB });
  await edge.addUser('admin1', 'admin');
  await edge.addUser('analyst1', 'analyst');
  admin = await edge.login('admin1');
  analyst = await edge.login('analyst1');
});
afterAll(() => edge.close());

interface Sent {
  status: number;
  body: { error?: { code: string; message: string } };
  headers: Record<string, string | string[] | undefined>;
  /** From the first byte written to the response's headers. */
  ms: number;
  /** Bytes handed to the socket before the answer came. */
  sent: number;
}

/**
 * POSTs `totalBytes` of filler, generated 64 KB at a time (never held whole), announced with
 * Content-Length or sent chunked. Stops writing as soon as the answer arrives.
 */
function sendBody(path: string, totalBytes: number, options: { announce: boolean; headers?: Record<string, string> }): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    let answered = false;
    const started = performance.now();
    const outgoing = request(`${edge.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.announce ? { 'content-length': String(totalBytes) } : {}),
        ...options.headers,
      },
    });
    outgoing.on('response', (response) => {
      answered = true;
      const ms = performance.now() - started;
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (data: string) => (text += data));
      response.on('end', () => {
        outgoing.destroy();
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Sent['body'], headers: response.headers, ms, sent });
      });
    });
    outgoing.on('error', (error) => {
      if (!answered) reject(error);
    });
    const write = () => {
      while (!answered && sent < totalBytes) {
        sent += chunk.length;
        if (!outgoing.write(chunk)) {
          outgoing.once('drain', write);
          return;
        }
      }
      if (!answered) outgoing.end();
    };
    write();
  });
}

describe('a 200 MB body to the unauthenticated login', () => {
  for (const announce of [true, false]) {
    it(`is refused with 413 in well under a second, ${announce ? 'announced by Content-Length' : 'chunked without Content-Length'}`, async () => {
      const rssBefore = process.memoryUsage().rss;
      const answer = await sendBody('/api/auth/login', 200 * MB, { announce });
      expect(answer.status).toBe(413);
      expect(answer.body.error).toEqual({ code: 'too_large', message: 'The request body is larger than the limit of 4 KB for this route.' });
      expect(answer.headers.connection).toBe('close');
      expect(answer.ms).toBeLessThan(500);
      // The client stopped at the answer: a few MB at most were in flight (socket buffers), not 200.
      expect(answer.sent).toBeLessThan(20 * MB);
      // Server and client share this process; neither kept the body.
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(50 * MB);
    });
  }

  it('keeps /api/health answering while ten such bodies arrive at once', async () => {
    const floods = Array.from({ length: 10 }, (_, index) => sendBody('/api/auth/login', 200 * MB, { announce: index % 2 === 0 }));
    const started = performance.now();
    const health = await fetch(`${edge.url}/api/health`);
    expect(health.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
    for (const answer of await Promise.all(floods)) expect(answer.status).toBe(413);
  });
});

describe('limits per route', () => {
  const json = (sql: string) => JSON.stringify({ sql, format: 'json' });

  it('gives /api/sql 1 MB: a 100 000-character statement in 3-byte characters (≈ 300 KB) runs; 2 MB is 413', async () => {
    // 'SELECT 1 AS one --' plus 99 000 × '€' (3 bytes in UTF-8) ≈ 297 KB: above the 256 KB JSON limit, below 1 MB.
    const longSql = `SELECT 1 AS one --${'€'.repeat(99_000)}`;
    expect(Buffer.byteLength(json(longSql))).toBeGreaterThan(bodyLimits.json);
    const ok = await fetch(`${edge.url}/api/sql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' },
      body: json(longSql),
    });
    expect(ok.status).toBe(200);
    const tooLarge = await sendBody('/api/sql', 2 * MB, { announce: true, headers: { authorization: `Bearer ${analyst}` } });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error?.message).toContain('1 MB');
  });

  it('gives other JSON routes 256 KB (the import hand-off, logout)', async () => {
    for (const path of ['/api/imports', '/api/auth/logout']) {
      const answer = await sendBody(path, 300 * 1024, { announce: false, headers: { authorization: `Bearer ${admin}` } });
      expect(answer.status).toBe(413);
      expect(answer.body.error).toMatchObject({ code: 'too_large', message: expect.stringContaining('256 KB') });
    }
  });

  it('leaves uploads to their streaming limit: 300 KB multipart is read, 200 MB chunked multipart is 413 at once', async () => {
    const boundary = 'edge-test';
    const form =
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="notes.csv"\r\nContent-Type: text/csv\r\n\r\n` +
      `a;b\n${'1;2\n'.repeat(75_000)}\r\n--${boundary}--\r\n`; // 4 × 75 000 = 300 000 bytes of rows
    const upload = await fetch(`${edge.url}/api/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: form,
    });
    expect(upload.status).toBe(200); // read whole; rejected as no known extract, which the summary says
    expect(((await upload.json()) as { files: { status: string }[] }).files[0]?.status).toBe('rejected');

    const huge = await sendBody('/api/imports', 200 * MB, {
      announce: false,
      headers: { authorization: `Bearer ${admin}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error?.message).toContain('larger than 1 MB');
    expect(huge.ms).toBeLessThan(1000);
    expect(huge.sent).toBeLessThan(30 * MB);
  });
});
