// Who gets which figures (docs/disclosure-control.md, "Who sees what"): admins and analysts exact
// answers; viewers protected ones (every figure a sum of perturbed base cells); leaders exact rows for
// their own municipalities (and collaborations or units wholly theirs) and protected rows for the
// rest. A leader's comparison figures (pooled value, funnel, outliers, φ, variation) come from the
// protected answer, the figures every protected row is part of, so an exact row beside them cannot
// be subtracted out of a pooled figure.
import { protectableAges, type MetricQuery, type MetricResponse, type MetricRow, type SessionUser } from '../../contract/types.ts';
import { badRequest } from '../http-error.ts';
import type { ReferenceData } from '../reference.ts';
import { maySeeFor } from '../visibility.ts';

export type Protection =
  | { kind: 'exact' }
  | { kind: 'protected' }
  | { kind: 'mixed'; exact: (row: MetricRow) => boolean };

export function protectionFor(user: SessionUser, reference: ReferenceData): Protection {
  const maySee = maySeeFor(user, reference);
  if (maySee === null) return { kind: 'exact' };
  if (user.role === 'viewer') return { kind: 'protected' };
  return { kind: 'mixed', exact: maySee };
}

/** Protected figures exist only for unions of base cells: other age filters are a 400 naming them. */
export function checkProtectable(query: MetricQuery, defaultAge: string): void {
  const age = query.age ?? defaultAge;
  if (!(protectableAges as readonly string[]).includes(age))
    throw badRequest(
      `age: figures you may not see exactly are given for the age groups ${protectableAges.join(', ')} only (got ${age.slice(0, 20)}); ` +
        'they are sums of fixed cells so that no combination of answers reveals a small number (docs/disclosure-control.md)',
      'age_not_protectable',
    );
}

/** Whether an answer has any row this protection does not give exactly. */
export function needsProtectedRows(protection: Protection, rows: readonly MetricRow[]): boolean {
  if (protection.kind === 'exact') return false;
  if (protection.kind === 'protected') return true;
  return rows.some((row) => !protection.exact(row));
}

const rowKey = (row: MetricRow) => `${row.unit ?? row.municipality ?? ''}|${row.period}`;

/** A leader's answer: exact rows where the leader may see them, protected rows elsewhere; everything
 *  that is not a row (a comparison's pooled figures) from the protected answer. */
export function mergeForLeader<R extends MetricResponse>(exact: R, protectedAnswer: R, isExact: (row: MetricRow) => boolean): R {
  const exactRows = new Map(exact.rows.map((row) => [rowKey(row), row]));
  const rows = protectedAnswer.rows.map((row) => {
    const own = exactRows.get(rowKey(row));
    return own && isExact(own) ? own : row;
  });
  return { ...protectedAnswer, rows };
}
