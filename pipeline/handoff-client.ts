// The import CLI's side of the local hand-off to a running server. The server owns the database
// file (no other process may open it), so while it runs it writes `<db dir>/server.json`
// {url, token, pid} (mode 0600, created fresh so never through a symlink, a new random token per
// start: api/server.ts writes it in the shape defined here) and removes it at shutdown. The CLI reads
// it and posts JSON {paths, acceptRejects, importedBy, vintage} with `Authorization: Bearer <token>` to
// POST /api/imports; the answer is the same ImportSummary the CLI prints. The token is an admin for
// /api/imports only. It lives in the pipeline because the CLI does; the server imports it from here.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ImportSummary } from '../contract/types.ts';

export interface HandOffFile {
  url: string;
  token: string;
  pid: number;
}

/** Where a running server advertises itself for the import CLI. */
export function handOffPath(dbPath: string): string {
  return join(dirname(resolve(dbPath)), 'server.json');
}

/** The running server's hand-off, or null when none runs for this database (or the file is stale). */
export function readHandOff(dbPath: string): HandOffFile | null {
  let file: HandOffFile;
  try {
    file = JSON.parse(readFileSync(handOffPath(dbPath), 'utf8')) as HandOffFile;
  } catch {
    return null;
  }
  if (typeof file?.url !== 'string' || typeof file.token !== 'string' || !Number.isInteger(file.pid)) return null;
  return isProcessAlive(file.pid) ? file : null;
}

/**
 * Whether process `pid` exists. A process this user may not signal (EPERM: another user's, or the
 * server's under a service account) is alive: treating it as gone would let a second writer open the
 * database beside it. Only ESRCH (no such process) means a file left by a crash.
 */
export function isProcessAlive(pid: number, kill: (pid: number, signal: 0) => void = (p, s) => process.kill(p, s)): boolean {
  try {
    kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Import through the running server. Paths are made absolute (the server's working directory may differ). */
export async function importThroughServer(
  handOff: HandOffFile,
  paths: string[],
  options: { acceptRejects?: boolean; importedBy?: string; vintage?: string } = {},
): Promise<ImportSummary> {
  const response = await fetch(`${handOff.url}/api/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${handOff.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ paths: paths.map((p) => resolve(p)), ...options }),
  });
  const body = (await response.json()) as ImportSummary | { error: { message: string } };
  if (!response.ok || 'error' in body)
    throw new Error(`The running server refused the import: ${'error' in body ? body.error.message : response.status}`);
  return body;
}
