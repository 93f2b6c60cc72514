// Users in app_user (the private store, never the warehouse): create, list, disable, reset. Used by the
// users CLI, the first admin (first-admin.ts), the login route, the tests and the end-to-end suite.
import type { Warehouse } from '../../pipeline/db.ts';
import type { PrivateStore } from '../private-store.ts';
import type { Role, SessionUser } from '../../contract/types.ts';
import { hashPassword, minimumPasswordLength } from './passwords.ts';

export const roles: readonly Role[] = ['admin', 'analyst', 'leader', 'viewer'];

export interface UserRecord extends SessionUser {
  disabled: boolean;
  createdAt: string;
}

export class UserError extends Error {}

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  /** Leader only: the current municipality codes the user may see unsuppressed. */
  municipalities?: string[];
}

const usernamePattern = /^[a-z0-9][a-z0-9._-]{1,63}$/i;

/** `warehouse`, when given, is where a leader's municipality codes are checked (the users CLI gives it). */
export async function createUser(store: PrivateStore, user: NewUser, warehouse?: Warehouse): Promise<UserRecord> {
  if (!usernamePattern.test(user.username))
    throw new UserError(`"${user.username}" is not a valid username: use 2–64 letters, digits, ".", "_" or "-".`);
  if (user.username === 'cli') throw new UserError('"cli" is reserved for the import command line.');
  if (!roles.includes(user.role)) throw new UserError(`Unknown role "${user.role}": use one of ${roles.join(', ')}.`);
  checkPassword(user.password);
  const municipalities = [...new Set(user.municipalities ?? [])];
  if (user.role === 'leader' && municipalities.length === 0)
    throw new UserError('A leader needs at least one --municipality CODE.');
  if (user.role !== 'leader' && municipalities.length > 0)
    throw new UserError('Only a leader has own municipalities; the other roles see all of them.');
  if (warehouse) await checkMunicipalities(warehouse, municipalities);
  const passwordHash = await hashPassword(user.password);
  await store.withConnection(async (connection) => {
    const existing = await connection.runAndReadAll('SELECT 1 FROM app_user WHERE username = ?', [user.username]);
    if (existing.currentRowCount > 0) throw new UserError(`User "${user.username}" exists already.`);
    await connection.run(
      `INSERT INTO app_user (username, password_hash, role, municipalities)
       VALUES (?, ?, ?, from_json(?, '["VARCHAR"]'))`,
      [user.username, passwordHash, user.role, JSON.stringify(municipalities)],
    );
  });
  return (await findUser(store, user.username))!;
}

export async function findUser(
  store: PrivateStore,
  username: string,
): Promise<(UserRecord & { passwordHash: string }) | null> {
  const rows = await store.withConnection(async (connection) =>
    (
      await connection.runAndReadAll(
        `SELECT username, role, municipalities, disabled, strftime(created_at, '%Y-%m-%d %H:%M') AS created_at,
                password_hash
         FROM app_user WHERE username = ?`,
        [username],
      )
    ).getRowObjectsJS(),
  );
  const row = rows[0];
  return row ? { ...toRecord(row), passwordHash: String(row.password_hash) } : null;
}

export async function listUsers(store: PrivateStore): Promise<UserRecord[]> {
  const rows = await store.withConnection(async (connection) =>
    (
      await connection.runAndReadAll(
        `SELECT username, role, municipalities, disabled, strftime(created_at, '%Y-%m-%d %H:%M') AS created_at
         FROM app_user ORDER BY username`,
      )
    ).getRowObjectsJS(),
  );
  return rows.map(toRecord);
}

/** Disables the user and revokes every session they have. */
export async function disableUser(store: PrivateStore, username: string): Promise<void> {
  await store.withConnection(async (connection) => {
    const updated = await connection.run('UPDATE app_user SET disabled = true WHERE username = ?', [username]);
    if (updated.rowsChanged === 0) throw new UserError(`No user "${username}".`);
    await connection.run('UPDATE app_session SET revoked = true WHERE username = ?', [username]);
  });
}

/** Sets a new password, enables the user again and revokes their sessions. */
export async function resetPassword(store: PrivateStore, username: string, password: string): Promise<void> {
  checkPassword(password);
  const passwordHash = await hashPassword(password);
  await store.withConnection(async (connection) => {
    const updated = await connection.run('UPDATE app_user SET password_hash = ?, disabled = false WHERE username = ?', [
      passwordHash,
      username,
    ]);
    if (updated.rowsChanged === 0) throw new UserError(`No user "${username}".`);
    await connection.run('UPDATE app_session SET revoked = true WHERE username = ?', [username]);
  });
}

function checkPassword(password: string): void {
  if (password.length < minimumPasswordLength)
    throw new UserError(`The password must have at least ${minimumPasswordLength} characters.`);
}

async function checkMunicipalities(warehouse: Warehouse, codes: string[]): Promise<void> {
  if (codes.length === 0) return;
  const known = await warehouse.withConnection(async (connection) =>
    (await connection.runAndReadAll('SELECT code FROM municipality')).getRows().map((r) => String(r[0])),
  );
  const unknown = codes.filter((code) => !known.includes(code));
  if (unknown.length > 0)
    throw new UserError(`Unknown municipality code(s): ${unknown.join(', ')}. Use current 4-digit codes (2024).`);
}

function toRecord(row: Record<string, unknown>): UserRecord {
  return {
    username: String(row.username),
    role: row.role as Role,
    municipalities: ((row.municipalities as unknown[] | null) ?? []).map(String),
    disabled: Boolean(row.disabled),
    createdAt: String(row.created_at),
  };
}
