// The per-installation secret behind every record key (docs/disclosure-control.md, "Where the keys
// and the secret live"). Whoever knows it and the records can compute every cell's noise and undo
// it, so it never lives in the repository or in the warehouse: STYRINGSDATA_CELL_KEY_SECRET (64 hex
// digits), else a file of 32 random bytes (hex) next to the database, created once, mode 0600.
// Changing it changes every published protected figure (and lets old and new answers be compared):
// rotate it only together with a fresh start of protected publication.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs';

export const cellKeySecretVariable = 'STYRINGSDATA_CELL_KEY_SECRET';

/** `<database path>.cell-key`, e.g. data/styringsdata.duckdb.cell-key. */
export function cellKeySecretPath(databasePath: string): string {
  return `${databasePath}.cell-key`;
}

function parseSecret(text: string, where: string): Uint8Array {
  const hex = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new Error(`${where} must hold the cell-key secret as 64 hexadecimal digits (32 bytes); generate one with \`openssl rand -hex 32\`.`);
  }
  return Buffer.from(hex, 'hex');
}

/**
 * The secret from the environment, else from the file next to the database, creating it (O_EXCL,
 * 0600: never through a planted symlink, never readable by others) when it does not exist.
 */
export function cellKeySecret(databasePath: string, env: NodeJS.ProcessEnv = process.env): Uint8Array {
  const fromEnv = env[cellKeySecretVariable];
  if (fromEnv !== undefined && fromEnv !== '') return parseSecret(fromEnv, cellKeySecretVariable);
  const path = cellKeySecretPath(databasePath);
  try {
    return parseSecret(readFileSync(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const hex = randomBytes(32).toString('hex');
  let descriptor: number;
  try {
    descriptor = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    // Another process created it between our read and our open: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return parseSecret(readFileSync(path, 'utf8'), path);
    throw error;
  }
  try {
    writeSync(descriptor, `${hex}\n`);
  } finally {
    closeSync(descriptor);
  }
  return Buffer.from(hex, 'hex');
}
