// The local hand-off between `npm run import` and a running server. The server owns the database
// file (no other process may open it), so while it runs it writes `<db dir>/server.json`
// {url, token, pid} (mode 0600, a new random token per start) and removes it at shutdown. The CLI
// reads it and posts JSON {paths, acceptRejects, importedBy} with `Authorization: Bearer <token>` to
// POST /api/imports; the answer is the same ImportSummary the CLI prints. The token is an admin for
// /api/imports only.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ImportSummary } from './types.ts';

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
  try {
    const file = JSON.parse(readFileSync(handOffPath(dbPath), 'utf8')) as HandOffFile;
    process.kill(file.pid, 0); // throws when the process is gone (a file left by a crash)
    return file;
  } catch {
    return null;
  }
}

/** Import through the running server. Paths are made absolute (the server's working directory may differ). */
export async function importThroughServer(
  handOff: HandOffFile,
  paths: string[],
  options: { acceptRejects?: boolean; importedBy?: string } = {},
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
