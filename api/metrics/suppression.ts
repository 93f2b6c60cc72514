// Small-number suppression (metrics.md): for a viewer who may not see a row's small numbers, a
// cell is suppressed when 0 < numerator < threshold, or, for shares, 0 < denominator − numerator <
// threshold. A suppressed row shows neither count nor value nor interval. When a table shows a
// total with its parts, one hidden part could be recovered by subtraction, so a second part (the
// smallest visible one the viewer may not see) is suppressed too — or the total if no part can be.
// suppressRows is pure: it is told who may see what (`maysee`). suppressFor applies it to an answer
// for one user (who may see what: api/visibility.ts), with a collaboration's members as its parts.
import type { MetricResponse, MetricRow, SessionUser } from '../../contract/types.ts';
import type { ReferenceData } from '../reference.ts';
import { maySeeFor } from '../visibility.ts';

export interface SuppressionOptions {
  /** Whether the viewer may see this row unsuppressed (analysts: always; leaders: their own municipalities). */
  maysee: (row: MetricRow) => boolean;
  /** Smallest count shown; default 5. */
  threshold?: number;
  /** The metric is a share: a small complement (denominator − numerator) is suppressed too. */
  share: boolean;
  /** For tables that show totals with their parts: rows with the same group() belong to one table
   *  (e.g. the same period), and isTotal() marks the table's total row. */
  totalKey?: { group: (row: MetricRow) => string; isTotal: (row: MetricRow) => boolean };
}

export function isSmall(row: MetricRow, threshold: number, share: boolean): boolean {
  const small = (n: number | null | undefined) => n != null && n > 0 && n < threshold;
  if (small(row.numerator)) return true;
  if (share && row.numerator != null && row.denominator != null && small(row.denominator - row.numerator)) return true;
  // discharge-ready days: a handful of stays or patients identifies people as much as few days do.
  return small(row.stays) || small(row.patients);
}

function hide(row: MetricRow): MetricRow {
  const hidden: MetricRow = { ...row, numerator: null, value: null, ciLow: null, ciHigh: null, suppressed: true };
  if ('standardised' in row) hidden.standardised = null;
  if ('standardisedCiLow' in row) [hidden.standardisedCiLow, hidden.standardisedCiHigh] = [null, null];
  if ('stays' in row) hidden.stays = null;
  if ('patients' in row) hidden.patients = null;
  if ('costNok' in row) hidden.costNok = null;
  if ('meanDaysPerStay' in row) hidden.meanDaysPerStay = null;
  return hidden;
}

export function suppressRows(rows: MetricRow[], options: SuppressionOptions): MetricRow[] {
  const threshold = options.threshold ?? 5;
  const out = rows.map((row) =>
    !row.suppressed && !options.maysee(row) && isSmall(row, threshold, options.share) ? hide(row) : row,
  );
  if (!options.totalKey) return out;

  const { group, isTotal } = options.totalKey;
  const tables = new Map<string, number[]>();
  out.forEach((row, index) => {
    const key = group(row);
    tables.set(key, [...(tables.get(key) ?? []), index]);
  });
  for (const indices of tables.values()) {
    const total = indices.find((i) => isTotal(out[i]!));
    if (total === undefined || out[total]!.suppressed) continue;
    const parts = indices.filter((i) => i !== total);
    if (parts.filter((i) => out[i]!.suppressed).length !== 1) continue;
    // Exactly one part hidden under a visible total: hide the smallest other part the viewer may not see.
    const candidates = parts
      .filter((i) => !out[i]!.suppressed && !options.maysee(out[i]!))
      .sort((a, b) => (out[a]!.numerator ?? 0) - (out[b]!.numerator ?? 0));
    const second = candidates[0] ?? (options.maysee(out[total]!) ? undefined : total);
    if (second !== undefined) out[second] = hide(out[second]!);
  }
  return out;
}

/**
 * The response with the rows this user may not see suppressed. Where a collaboration's total is shown
 * with some of its members, each period's total and member rows form one table, so that a hidden
 * member cannot be recovered by subtraction (suppressRows hides a second cell).
 */
export function suppressFor<R extends MetricResponse>(response: R, user: SessionUser, reference: ReferenceData): R {
  const maysee = maySeeFor(user, reference);
  if (!maysee) return response;
  const shownCollaborations = [
    ...new Set(response.rows.map((row) => row.municipality).filter((id) => id && reference.collaborationMembers.has(id))),
  ] as string[];
  const tableOf = (row: MetricRow): string => {
    const area = row.municipality ?? '';
    if (shownCollaborations.includes(area)) return `${row.period}|${area}`;
    const collaboration = shownCollaborations.find((id) => reference.collaborationMembers.get(id)!.includes(area));
    return `${row.period}|${collaboration ?? `alone:${area}`}`;
  };
  const rows = suppressRows(response.rows, {
    maysee,
    share: response.unit === 'percent',
    totalKey:
      shownCollaborations.length > 0
        ? { group: tableOf, isTotal: (row) => shownCollaborations.includes(row.municipality ?? '') }
        : undefined,
  });
  return { ...response, rows };
}
