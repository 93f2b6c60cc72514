// The server under attack for bench/abuse.ts, in its own process: the real startServer() on the given
// database, a viewer and an analyst logged in; prints one JSON line {url, pid, viewer, analyst}.
import '../api/threadpool.ts';
import pino from 'pino';
import { createUser } from '../api/auth/users.ts';
import { startServer } from '../api/server.ts';

export interface AbuseServerInfo {
  url: string;
  pid: number;
  viewer: string;
  analyst: string;
}

const dbPath = process.argv[2];
if (!dbPath) throw new Error('usage: abuse-server-worker.ts DB_PATH');
const server = await startServer({ dbPath, port: 0, handOff: false, webDir: '/nonexistent', logger: pino({ level: 'silent' }) });

async function login(username: string, role: 'viewer' | 'analyst'): Promise<string> {
  await createUser(server.runtime.services.privateStore, { username, password: `${username}-password`, role, municipalities: [] });
  const response = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: `${username}-password` }),
  });
  return ((await response.json()) as { token: string }).token;
}

const info: AbuseServerInfo = { url: server.url, pid: process.pid, viewer: await login('viewer', 'viewer'), analyst: await login('analyst', 'analyst') };
console.log(JSON.stringify(info));
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
