// The first admin, checked by `npm start` before the server listens. Without an enabled admin nobody
// can import through the dashboard, so start-up either creates one or says plainly how to.
// STYRINGSDATA_ADMIN_PASSWORD (and STYRINGSDATA_ADMIN_USER, default "admin") name the admin to create.
import { randomBytes } from 'node:crypto';
import type { PrivateStore } from '../private-store.ts';
import { createUser, findUser } from './users.ts';

export type FirstAdmin =
  /** An enabled admin exists: nothing was done. */
  | { kind: 'present'; username: string }
  /** Created; generatedPassword is set when no password was given (print it once). */
  | { kind: 'created'; username: string; generatedPassword: string | null }
  /** A password was given but the name belongs to a disabled user or to a user of another role. */
  | { kind: 'name-taken'; username: string; disabled: boolean; role: string }
  /** Users exist, none is an enabled admin, and no password was given. */
  | { kind: 'missing' };

export interface FirstAdminOptions {
  password?: string;
  username?: string;
}

export async function ensureAdmin(
  store: PrivateStore,
  options: FirstAdminOptions = { password: process.env.STYRINGSDATA_ADMIN_PASSWORD, username: process.env.STYRINGSDATA_ADMIN_USER },
): Promise<FirstAdmin> {
  const username = options.username || 'admin';
  const password = options.password || null;
  const { users, admin } = await store.withConnection(async (connection) => {
    const row = (
      await connection.runAndReadAll(
        `SELECT count(*)::INTEGER, min(username) FILTER (WHERE role = 'admin' AND NOT disabled) FROM app_user`,
      )
    ).getRows()[0]!;
    return { users: Number(row[0]), admin: row[1] === null ? null : String(row[1]) };
  });
  if (admin) return { kind: 'present', username: admin };
  if (users === 0 || password) {
    const existing = users === 0 ? null : await findUser(store, username);
    if (existing) return { kind: 'name-taken', username, disabled: existing.disabled, role: existing.role };
    const generatedPassword = password ? null : randomBytes(12).toString('base64url');
    await createUser(store, { username, password: password ?? generatedPassword!, role: 'admin' });
    return { kind: 'created', username, generatedPassword };
  }
  return { kind: 'missing' };
}

/** What `npm start` prints for an outcome; null when there is nothing to say. */
export function firstAdminMessage(outcome: FirstAdmin): { level: 'info' | 'warn'; text: string } | null {
  const create =
    'STYRINGSDATA_ADMIN_PASSWORD=… npm start (creates "admin"; STYRINGSDATA_ADMIN_USER=NAME picks another name), ' +
    'or stop the server and run  npm run users -- add NAME --role admin';
  switch (outcome.kind) {
    case 'present':
      return null;
    case 'created':
      return outcome.generatedPassword
        ? {
            level: 'info',
            text: `Created user "${outcome.username}" with the password  ${outcome.generatedPassword}  (shown once; change it with npm run users -- reset ${outcome.username}).`,
          }
        : { level: 'info', text: `Created the admin "${outcome.username}" with the password from STYRINGSDATA_ADMIN_PASSWORD.` };
    case 'name-taken':
      return {
        level: 'warn',
        text: outcome.disabled
          ? `No enabled admin, and the user "${outcome.username}" exists but is disabled, so STYRINGSDATA_ADMIN_PASSWORD was not used. ` +
            `To enable it with a new password, stop the server and run  npm run users -- reset ${outcome.username} ; ` +
            'to create another admin instead, start with STYRINGSDATA_ADMIN_USER=NEW-NAME STYRINGSDATA_ADMIN_PASSWORD=… npm start.'
          : `No enabled admin, and "${outcome.username}" is already a user with the role ${outcome.role}, so it was not made an admin. ` +
            'Start with STYRINGSDATA_ADMIN_USER=NEW-NAME STYRINGSDATA_ADMIN_PASSWORD=… npm start, or stop the server and run  npm run users -- add NEW-NAME --role admin.',
      };
    case 'missing':
      return {
        level: 'warn',
        text: `There are users but no enabled admin, so nobody can import files through the dashboard. Create one: ${create}.`,
      };
  }
}
