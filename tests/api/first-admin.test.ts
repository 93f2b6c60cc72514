// Specification: the first admin at start-up (api/auth/first-admin.ts, run by npm start). With no
// enabled admin and STYRINGSDATA_ADMIN_PASSWORD set, one is created (and can log in); with no users
// and no password, "admin" gets a random password printed once; with users but no enabled admin and
// no password, start-up says plainly how to create one; a disabled "admin" is never re-enabled behind
// the operator's back.
import { afterEach, describe, expect, it } from 'vitest';
import { ensureAdmin, firstAdminMessage } from '../../api/auth/first-admin.ts';
import { createUser, disableUser, findUser } from '../../api/auth/users.ts';
import { apiHarness, type ApiHarness } from './harness.ts';

let fresh: ApiHarness | undefined;
afterEach(async () => {
  await fresh?.close();
  fresh = undefined;
});

async function loginStatus(api: ApiHarness, username: string, password: string): Promise<number> {
  const response = await api.app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return response.status;
}

describe('no users yet', () => {
  it('creates "admin" from STYRINGSDATA_ADMIN_PASSWORD, once', async () => {
    fresh = await apiHarness();
    expect(await ensureAdmin(fresh.privateStore, { password: 'first-admin-pass' })).toEqual({
      kind: 'created',
      username: 'admin',
      generatedPassword: null,
    });
    expect(await ensureAdmin(fresh.privateStore, { password: 'other-password' })).toEqual({ kind: 'present', username: 'admin' });
    expect(await loginStatus(fresh, 'admin', 'first-admin-pass')).toBe(200);
    expect(await loginStatus(fresh, 'admin', 'other-password')).toBe(401);
  });

  it('creates STYRINGSDATA_ADMIN_USER instead of "admin" when given', async () => {
    fresh = await apiHarness();
    expect(await ensureAdmin(fresh.privateStore, { password: 'chief-password', username: 'chief' })).toMatchObject({ kind: 'created', username: 'chief' });
    expect((await findUser(fresh.privateStore, 'chief'))?.role).toBe('admin');
    expect(await findUser(fresh.privateStore, 'admin')).toBeNull();
  });

  it('without a password generates one (16 characters, base64url of 12 random bytes) and prints it once', async () => {
    fresh = await apiHarness();
    const outcome = await ensureAdmin(fresh.privateStore, {});
    expect(outcome.kind).toBe('created');
    const password = outcome.kind === 'created' ? outcome.generatedPassword! : '';
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(firstAdminMessage(outcome)).toEqual({ level: 'info', text: expect.stringContaining(`  ${password}  (shown once`) });
    expect(await loginStatus(fresh, 'admin', password)).toBe(200);
  });
});

describe('users, but no enabled admin', () => {
  it('with a password: creates the admin, who can log in', async () => {
    fresh = await apiHarness();
    await createUser(fresh.privateStore, { username: 'analyst1', password: 'analyst-password', role: 'analyst' });
    expect(await ensureAdmin(fresh.privateStore, { password: 'rescue-password' })).toMatchObject({ kind: 'created', username: 'admin' });
    expect(await loginStatus(fresh, 'admin', 'rescue-password')).toBe(200);
  });

  it('without a password: creates nothing and warns how to create one', async () => {
    fresh = await apiHarness();
    await createUser(fresh.privateStore, { username: 'analyst1', password: 'analyst-password', role: 'analyst' });
    const outcome = await ensureAdmin(fresh.privateStore, {});
    expect(outcome).toEqual({ kind: 'missing' });
    const message = firstAdminMessage(outcome)!;
    expect(message.level).toBe('warn');
    expect(message.text).toContain('no enabled admin');
    expect(message.text).toContain('STYRINGSDATA_ADMIN_PASSWORD=… npm start');
    expect(message.text).toContain('npm run users -- add NAME --role admin');
    expect(await findUser(fresh.privateStore, 'admin')).toBeNull();
  });

  it('a disabled "admin" is left disabled, with its old password, and the message says how to enable it', async () => {
    fresh = await apiHarness();
    await createUser(fresh.privateStore, { username: 'admin', password: 'old-admin-password', role: 'admin' });
    await disableUser(fresh.privateStore, 'admin');
    const outcome = await ensureAdmin(fresh.privateStore, { password: 'new-admin-password' });
    expect(outcome).toEqual({ kind: 'name-taken', username: 'admin', disabled: true, role: 'admin' });
    const text = firstAdminMessage(outcome)!.text;
    expect(text).toContain('"admin" exists but is disabled');
    expect(text).toContain('npm run users -- reset admin');
    expect(text).toContain('STYRINGSDATA_ADMIN_USER=NEW-NAME');
    expect((await findUser(fresh.privateStore, 'admin'))?.disabled).toBe(true);
    expect(await loginStatus(fresh, 'admin', 'new-admin-password')).toBe(401);
  });

  it('a name taken by another role is not promoted; the message says to pick another name', async () => {
    fresh = await apiHarness();
    await createUser(fresh.privateStore, { username: 'admin', password: 'viewer-password', role: 'viewer' });
    const outcome = await ensureAdmin(fresh.privateStore, { password: 'new-admin-password' });
    expect(outcome).toEqual({ kind: 'name-taken', username: 'admin', disabled: false, role: 'viewer' });
    expect(firstAdminMessage(outcome)!.text).toContain('already a user with the role viewer');
    expect((await findUser(fresh.privateStore, 'admin'))?.role).toBe('viewer');
  });
});

describe('an enabled admin exists', () => {
  it('nothing is created or said, whatever the environment', async () => {
    fresh = await apiHarness();
    await createUser(fresh.privateStore, { username: 'boss', password: 'boss-password', role: 'admin' });
    const outcome = await ensureAdmin(fresh.privateStore, { password: 'ignored-password' });
    expect(outcome).toEqual({ kind: 'present', username: 'boss' });
    expect(firstAdminMessage(outcome)).toBeNull();
    expect(await findUser(fresh.privateStore, 'admin')).toBeNull();
  });
});
