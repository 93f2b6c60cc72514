// Login sessions. The token is 32 random bytes handed to the client once; only its SHA-256 is stored
// (app_session, in the private store), so a copy of the database does not let anyone log in. Sessions expire (default 8 h)
// and are revoked by logout, by disabling the user or by a password reset.
import { createHash, randomBytes } from 'node:crypto';
import type { PrivateStore } from '../private-store.ts';
import type { Role, SessionUser } from '../../contract/types.ts';

export const defaultSessionTtlMs = 8 * 60 * 60 * 1000;
/** Resolved sessions are remembered briefly so a cached dashboard query needs no database round trip.
 *  Revocation in this process drops the memory at once; the users CLI cannot run beside the server. */
const memoryMs = 30_000;

export interface Session {
  token: string;
  user: SessionUser;
  expiresAt: Date;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class SessionStore {
  private readonly remembered = new Map<string, { user: SessionUser; expiresAt: number; checkedAt: number }>();

  constructor(
    private readonly store: PrivateStore,
    readonly ttlMs = defaultSessionTtlMs,
  ) {}

  async create(user: SessionUser): Promise<Session> {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    const expiresAt = now + this.ttlMs;
    await this.store.withConnection((connection) =>
      connection.run(
        `INSERT INTO app_session (token_hash, username, created_at, expires_at)
         VALUES (?, ?, epoch_ms(?::BIGINT), epoch_ms(?::BIGINT))`,
        [hashToken(token), user.username, now, expiresAt],
      ),
    );
    return { token, user, expiresAt: new Date(expiresAt) };
  }

  /** The user of a valid session, or null when the token is unknown, expired, revoked or the user disabled. */
  async resolve(token: string): Promise<SessionUser | null> {
    const tokenHash = hashToken(token);
    const now = Date.now();
    const memory = this.remembered.get(tokenHash);
    if (memory && now - memory.checkedAt < memoryMs) return memory.expiresAt > now ? memory.user : null;
    const rows = await this.store.withConnection(async (connection) =>
      (
        await connection.runAndReadAll(
          `SELECT u.username, u.role, u.municipalities, epoch_ms(s.expires_at) AS expires_ms
           FROM app_session s JOIN app_user u USING (username)
           WHERE s.token_hash = ? AND NOT s.revoked AND NOT u.disabled`,
          [tokenHash],
        )
      ).getRowObjectsJS(),
    );
    const row = rows[0];
    if (!row) return null;
    const user: SessionUser = {
      username: String(row.username),
      role: row.role as Role,
      municipalities: ((row.municipalities as unknown[] | null) ?? []).map(String),
    };
    const expiresAt = Number(row.expires_ms);
    this.remembered.set(tokenHash, { user, expiresAt, checkedAt: now });
    if (this.remembered.size > 10_000) this.remembered.delete(this.remembered.keys().next().value!);
    return expiresAt > now ? user : null;
  }

  async revoke(token: string): Promise<void> {
    const tokenHash = hashToken(token);
    this.remembered.delete(tokenHash);
    await this.store.withConnection((connection) =>
      connection.run('UPDATE app_session SET revoked = true WHERE token_hash = ?', [tokenHash]),
    );
  }

  /** Forget remembered sessions of a user (after disabling or resetting them in this process). */
  forgetUser(username: string): void {
    for (const [key, value] of this.remembered) if (value.user.username === username) this.remembered.delete(key);
  }
}
