// The server under attack for bench/abuse.ts, in its own process: the real startServer() on the given
// database, a viewer and an analyst logged in; prints one JSON line {url, pid, viewer, analyst}.
import '../api/threadpool.ts';
import pino from 'pino';
import { benchUserToken } from './lib/bench-user.ts';
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

const login = (username: string, role: 'viewer' | 'analyst') => benchUserToken(server, username, role);

const info: AbuseServerInfo = { url: server.url, pid: process.pid, viewer: await login('viewer', 'viewer'), analyst: await login('analyst', 'analyst') };
console.log(JSON.stringify(info));
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
