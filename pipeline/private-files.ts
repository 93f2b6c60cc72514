// Files that hold patient data, credentials or the hand-off token are private to the server's user:
// folders 0700, files 0600, also when they already exist with looser modes (an older install, a copy).
// Entry points set a umask of 0o077 as well so that files DuckDB creates later (the .wal) are private
// from the start. A folder the server does not own, or a shared sticky folder such as /tmp, is left
// as it is: tightening it would break other users' files, and the database file itself is still 0600.
import { chmodSync, existsSync, lstatSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';

export const privateDirectoryMode = 0o700;
export const privateFileMode = 0o600;
const stickyBit = 0o1000;

/** Process umask for the server and the command lines: nothing they create is readable by others. */
export function usePrivateUmask(): void {
  process.umask(0o077);
}

/**
 * Creates `path` (and missing parents, 0700) or tightens an existing folder to 0700. Returns a
 * sentence when an existing folder was left as it is (shared or owned by someone else), else null.
 */
export function ensurePrivateDirectory(path: string): string | null {
  if (!existsSync(path)) {
    mkdirSync(path, { recursive: true, mode: privateDirectoryMode });
    chmodSync(path, privateDirectoryMode); // mkdir's mode is filtered by the umask; say it exactly
    return null;
  }
  const stat = statSync(path);
  if ((stat.mode & 0o7777) === privateDirectoryMode) return null;
  const ownUid = process.getuid?.();
  if ((stat.mode & stickyBit) !== 0 || (ownUid !== undefined && stat.uid !== ownUid))
    return `${path} is a shared folder (or belongs to another user), so its mode was left as it is; keep the database in a folder of its own.`;
  chmodSync(path, privateDirectoryMode);
  return null;
}

/** chmod 0600 of each of `paths` that exists (database files and their write-ahead logs). */
export function makeFilesPrivate(...paths: string[]): void {
  for (const path of paths) {
    try {
      chmodSync(path, privateFileMode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** A database file and its write-ahead log made 0600 (nothing to do for ':memory:'). */
export function makeDatabaseFilesPrivate(databasePath: string): void {
  if (databasePath !== ':memory:') makeFilesPrivate(databasePath, `${databasePath}.wal`);
}

/**
 * Writes `content` to a new file of mode 0600. Whatever was at `path` (an old file, a symlink planted
 * to make the server write elsewhere) is removed first, and the create is exclusive (O_CREAT|O_EXCL),
 * which never follows a symlink: one planted between the two steps makes this throw instead.
 */
export function writePrivateFileFresh(path: string, content: string): void {
  if (lstatSync(path, { throwIfNoEntry: false })) rmSync(path, { force: true });
  writeFileSync(path, content, { flag: 'wx', mode: privateFileMode });
}
