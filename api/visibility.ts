// Which rows a user may see unsuppressed (roles in shared/spec/api.md): admin and analyst see every
// row; a leader sees their own municipalities, and a collaboration or KAD unit only when every member
// municipality is theirs; a viewer sees no row unsuppressed. The suppression rule itself (thresholds,
// secondary cells) lives in metrics/suppression.ts.
import type { ReferenceData } from './reference.ts';
import type { MetricRow, SessionUser } from '../contract/types.ts';

/** null = the user sees everything unsuppressed. */
export function maySeeFor(user: SessionUser, reference: ReferenceData): ((row: MetricRow) => boolean) | null {
  if (user.role === 'admin' || user.role === 'analyst') return null;
  if (user.role === 'viewer') return () => false;
  const own = new Set(user.municipalities);
  const allOwn = (codes: string[] | undefined) => !!codes && codes.length > 0 && codes.every((code) => own.has(code));
  return (row) => {
    if (row.unit !== undefined) return allOwn(reference.unitMunicipalities.get(row.unit));
    const area = row.municipality;
    if (area === undefined) return false;
    if (own.has(area)) return true;
    return allOwn(reference.collaborationMembers.get(area));
  };
}

/** The visibility class used in logs and the audit trail. */
export function visibilityClass(user: SessionUser): string {
  return user.role === 'leader' ? `leader:${[...user.municipalities].sort().join(',')}` : user.role;
}
