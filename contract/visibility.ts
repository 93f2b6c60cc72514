// Who sees a place's figures exactly (docs/disclosure-control.md, "Who sees what"): admins and
// analysts every place; a leader a place all of whose municipalities are theirs (their own
// municipality, or a collaboration or KAD unit wholly theirs); a viewer none. Everyone else sees
// protected figures. One rule for the API (api/visibility.ts) and the web (which asks only for what
// it may get, e.g. no daily occupancy of a protected unit).
import type { SessionUser } from './types.ts';

type Viewer = Pick<SessionUser, 'role' | 'municipalities'>;

/** Admins and analysts: every figure exact. */
export const seesEverythingExactly = (user: Viewer): boolean => user.role === 'admin' || user.role === 'analyst';

export function seesExactly(user: Viewer, municipalities: readonly string[]): boolean {
  if (seesEverythingExactly(user)) return true;
  if (user.role === 'viewer') return false;
  const own = new Set(user.municipalities);
  return municipalities.length > 0 && municipalities.every((code) => own.has(code));
}
