// The metric page's cost columns for discharge-ready days (issue 12 §7): the rate the cost used beside
// it ("5 245 kr per døgn (2025)"), and when a year has no rate the sentence asking an administrator to
// add it, in bokmål and English, instead of a silent dash.
import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../../contract/types.ts';
import { costCells, dailyRateText, withCostColumns } from '../../web/src/lib/cost.ts';

const nbsp = '\u00a0';
const row: MetricRow = {
  municipality: '4204', period: '2025-01', numerator: 3, denominator: 310, value: 9.68, ciLow: 2, ciHigh: 28, suppressed: false,
  costNok: 15735, dailyRateNok: 5245, dailyRates: [{ year: 2025, nok: 5245 }], missingRateYears: [],
};
const missing: MetricRow = { ...row, costNok: null, dailyRateNok: null, dailyRates: [], missingRateYears: [2025] };

describe('cost cells', () => {
  it('show the cost and the rate it used', () => {
    // 3 nights × 5 245 = 15 735.
    const [cost, rate] = costCells(row, 'nb');
    expect(cost).toEqual({ text: `15${nbsp}735`, csv: 15735 });
    expect(rate.text).toBe(`5${nbsp}245 kr per døgn (2025)`);
    expect(costCells(row, 'en')[1].text).toBe('NOK 5,245 per day (2025)');
  });

  it('say which year lacks a rate and whom to ask, in bokmål and English', () => {
    expect(costCells(missing, 'nb')).toEqual([
      { text: 'ukjent', csv: null },
      { text: 'Døgnpris for 2025 mangler – be en administrator legge den inn', csv: 'Døgnpris for 2025 mangler – be en administrator legge den inn' },
    ]);
    expect(dailyRateText(missing, 'en')).toBe('The daily rate for 2025 is missing – ask an administrator to add it');
  });

  it('list every year of a row spanning years, øre when there are any, and mark a protected cost *', () => {
    const spanning: MetricRow = { ...row, period: 'total', costNok: null, dailyRateNok: null, dailyRates: [{ year: 2024, nok: 5745.5 }], missingRateYears: [2025] };
    expect(dailyRateText(spanning, 'nb')).toBe(`5${nbsp}745,50 kr per døgn (2024); Døgnpris for 2025 mangler – be en administrator legge den inn`);
    expect(costCells({ ...row, protected: true }, 'nb')[0].text).toBe(`15${nbsp}735*`);
  });

  it('are appended only to rows that carry rates', () => {
    expect(withCostColumns([[{ text: 'x', csv: 'x' }]], [row], 'nb')[0]).toHaveLength(3);
    const { dailyRates: _, ...plain } = row;
    expect(withCostColumns([[{ text: 'x', csv: 'x' }]], [plain], 'nb')[0]).toHaveLength(1);
  });
});
