// Small-number suppression (metrics.md "Small-number suppression"), per role. The API maps roles to
// a visibility predicate; here each role is that predicate:
//   admin, analyst → may see every row; leader of 4204 → may see 4204 only; viewer → none.
import { describe, expect, it } from 'vitest';
import { suppressRows } from '../../api/metrics/suppression.ts';
import type { MetricRow } from '../../contract/types.ts';

const row = (municipality: string, numerator: number, denominator: number, extra: Partial<MetricRow> = {}): MetricRow => ({
  municipality, period: '2024', numerator, denominator, value: (numerator * 100) / denominator, ciLow: 1, ciHigh: 2, suppressed: false, ...extra,
});
const roles = {
  admin: () => true,
  analyst: () => true,
  leader4204: (r: MetricRow) => r.municipality === '4204',
  viewer: () => false,
};
const hidden = (rows: MetricRow[]) => rows.filter((r) => r.suppressed).map((r) => r.municipality);

// A collaboration total with its three members for one period (a share, e.g. readmissions):
//   4204: 3 of 40 (numerator < 5), 4223: 12 of 50, 4215: 20 of 60; total 35 of 150.
const table = [row('4204', 3, 40), row('4223', 12, 50), row('4215', 20, 60), row('knutepunkt-sorlandet', 35, 150)];
const totalKey = { group: (r: MetricRow) => r.period, isTotal: (r: MetricRow) => r.municipality === 'knutepunkt-sorlandet' };

describe('suppressRows', () => {
  it('shows everything to admins and analysts', () => {
    for (const maysee of [roles.admin, roles.analyst]) expect(hidden(suppressRows(table, { maysee, share: true, totalKey }))).toEqual([]);
  });

  it('hides a small cell and, with a visible total, the smallest other part (secondary cell) for viewers', () => {
    // 4204 (3) is small; 35 − 12 − 20 would give it back, so the smallest other part 4223 (12) goes too.
    const out = suppressRows(table, { maysee: roles.viewer, share: true, totalKey });
    expect(hidden(out)).toEqual(['4204', '4223']);
    expect(out[0]).toEqual({ ...table[0], numerator: null, value: null, ciLow: null, ciHigh: null, suppressed: true });
    expect(out[3]!.numerator).toBe(35);
  });

  it('lets a leader see their own small numbers', () => {
    // 4204 is the leader's own: shown; nothing else is small, so nothing is hidden.
    expect(hidden(suppressRows(table, { maysee: roles.leader4204, share: true, totalKey }))).toEqual([]);
  });

  it('picks the secondary cell among the rows the leader may not see', () => {
    // Leader of 4223 looking at a table where 4204 is small: 4223 is theirs (suppressing it would not
    // help them not know it), so the secondary cell is 4215.
    const leader4223 = (r: MetricRow) => r.municipality === '4223';
    expect(hidden(suppressRows(table, { maysee: leader4223, share: true, totalKey }))).toEqual(['4204', '4215']);
  });

  it('hides a share whose complement is small, but not a zero', () => {
    // 18 of 20: 2 not readmitted → small complement. 0 of 30 is not suppressed (0 is not < 5 and > 0).
    const rows = [row('4204', 18, 20), row('4223', 0, 30), row('4215', 18, 20)];
    expect(hidden(suppressRows(rows, { maysee: roles.viewer, share: true }))).toEqual(['4204', '4215']);
    // As a count (rates) the complement does not matter.
    expect(hidden(suppressRows(rows, { maysee: roles.viewer, share: false }))).toEqual([]);
  });

  it('uses the configured threshold', () => {
    const rows = [row('4204', 7, 100), row('4223', 12, 100)];
    expect(hidden(suppressRows(rows, { maysee: roles.viewer, share: false, threshold: 10 }))).toEqual(['4204']);
  });

  it('hides discharge-ready rows with few stays or patients, with their cost', () => {
    // 40 days, but by 2 patients in 2 stays.
    const rows = [row('4204', 40, 1000, { stays: 2, patients: 2, costNok: 229800, standardised: 40, standardisedCiLow: 30, standardisedCiHigh: 52 })];
    const [out] = suppressRows(rows, { maysee: roles.viewer, share: false });
    expect(out).toMatchObject({ suppressed: true, numerator: null, stays: null, patients: null, costNok: null, standardised: null, standardisedCiLow: null, standardisedCiHigh: null, denominator: 1000 });
  });
});
