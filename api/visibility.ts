// Which rows a user sees exactly (roles in shared/spec/api.md; the rule is contract/visibility.ts):
// admin and analyst every row; a leader their own municipalities, and a collaboration or KAD unit only
// when every member municipality is theirs; a viewer none. The others get protected figures
// (api/disclosure/protection.ts).
import type { ReferenceData } from './reference.ts';
import type { MetricRow, SessionUser } from '../contract/types.ts';
import { seesEverythingExactly, seesExactly } from '../contract/visibility.ts';

/** null = the user sees every row exactly (contract/visibility.ts has the rule). */
export function maySeeFor(user: SessionUser, reference: ReferenceData): ((row: MetricRow) => boolean) | null {
  if (seesEverythingExactly(user)) return null;
  return (row) => {
    if (row.unit !== undefined) return seesExactly(user, reference.unitMunicipalities.get(row.unit) ?? []);
    const area = row.municipality;
    if (area === undefined) return false;
    return seesExactly(user, reference.collaborationMembers.get(area) ?? [area]);
  };
}

/** The visibility class used in logs and the audit trail. */
export function visibilityClass(user: SessionUser): string {
  return user.role === 'leader' ? `leader:${[...user.municipalities].sort().join(',')}` : user.role;
}
