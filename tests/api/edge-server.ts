// The real server (api/server.ts) on port 0 for the HTTP-edge tests: real sockets, Node's HTTP parser
// and timeouts, @hono/node-server's body handling. A temporary database and a tiny dashboard folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { createUser } from '../../api/auth/users.ts';
import type { AppOptions } from '../../api/app.ts';
import { startServer, type RunningServer } from '../../api/server.ts';
import type { Role } from '../../contract/types.ts';
import { tempDir } from '../helpers/temp.ts';

export const dashboardHtml =
  '<!doctype html><html><head><title>Styringsdata</title></head><body>' +
  '<script>\n  window.started = "æøå";\n</script><script src="/app.js"></script></body></html>';

export interface EdgeServer {
  server: RunningServer;
  url: string;
  /** Creates a user whose password is "password-" + name. */
  addUser(name: string, role: Role): Promise<void>;
  /** Logs in over HTTP and returns the session token. */
  login(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function edgeServer(app: Partial<AppOptions> = {}): Promise<EdgeServer> {
  const temp = tempDir('styringsdata-edge-');
  const webDir = join(temp.path, 'web');
  mkdirSync(webDir, { recursive: true });
  writeFileSync(join(webDir, 'index.html'), dashboardHtml);
  writeFileSync(join(webDir, 'app.js'), 'console.log(1)');
  const server = await startServer({
    dbPath: join(temp.path, 'db', 'styringsdata.duckdb'),
    port: 0,
    webDir,
    handOff: false,
    logger: pino({ level: 'silent' }),
    app: { throttle: { baseDelayMs: 1, maxDelayMs: 5 }, ...app },
  });
  return {
    server,
    url: server.url,
    async addUser(name, role) {
      await createUser(server.runtime.services.privateStore, { username: name, password: `password-${name}`, role });
    },
    async login(name) {
      const response = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: name, password: `password-${name}` }),
      });
      if (response.status !== 200) throw new Error(`login ${name}: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { token: string }).token;
    },
    async close() {
      await server.close();
      temp.remove();
    },
  };
}
