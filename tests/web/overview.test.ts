// The overview card's windows: the latest month with a figure, the rolling 12 months ending there,
// and the same 12 months a year earlier. The figures themselves come from the API.
import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../../contract/types.ts';
import { addMonths, monthRange } from '../../web/src/lib/months.ts';
import { comparable, defaultLastMonth, finalThrough, hasFigures, lastCompleteMonth, latestMonth, rankingExtremes, windowsEndingAt } from '../../web/src/lib/overview.ts';

const row = (period: string, denominator: number | null, suppressed = false): MetricRow => ({
  municipality: '4223',
  period,
  numerator: suppressed ? null : 1,
  denominator,
  value: suppressed ? null : 10,
  ciLow: null,
  ciHigh: null,
  suppressed,
});

describe('months', () => {
  it('adds months across year ends', () => {
    expect(addMonths('2024-03', -11)).toBe('2023-04');
    expect(addMonths('2024-12', 1)).toBe('2025-01');
    expect(addMonths('2024-01', -13)).toBe('2022-12');
    expect(monthRange('2023-11', '2024-02')).toEqual(['2023-11', '2023-12', '2024-01', '2024-02']);
  });
});

describe('latestMonth', () => {
  it('is the last month with a denominator; a suppressed month counts, an empty one does not', () => {
    // Readmissions: May and June have no index episodes yet (30-day follow-up), April is suppressed.
    const rows = [row('2024-03', 40), row('2024-04', 12, true), row('2024-05', 0), row('2024-06', null)];
    expect(latestMonth(rows)).toBe('2024-04');
    expect(latestMonth([row('total', 40)])).toBeNull();
    expect(latestMonth([])).toBeNull();
  });
});

describe('windowsEndingAt', () => {
  it('gives 12 months ending at the latest month and the 12 before them', () => {
    expect(windowsEndingAt('2024-03')).toEqual({
      rolling: { from: '2023-04', to: '2024-03' },
      previous: { from: '2022-04', to: '2023-03' },
      sparkline: { from: '2022-04', to: '2024-03' },
    });
  });
});

describe('comparable', () => {
  it('gives no value for a suppressed or missing row, so no change is computed from a hidden figure', () => {
    expect(comparable(row('2024-03', 40))).toBe(10);
    expect(comparable(row('2024-03', 40, true))).toBeNull();
    expect(comparable(undefined)).toBeNull();
  });
});

describe('hasFigures', () => {
  it('says an answer of empty months has nothing to draw, but a suppressed month is a figure', () => {
    expect(hasFigures([row('2024-01', 0), row('2024-02', null)])).toBe(false);
    expect(hasFigures([row('2024-01', 0), row('2024-02', 9, true)])).toBe(true);
  });
});

describe('rankingExtremes', () => {
  it('keeps every row of a small set and the 20 highest and 20 lowest of a large one', () => {
    const small = Array.from({ length: 40 }, (_, i) => i);
    expect(rankingExtremes(small)).toEqual({ shown: small, cut: false });
    const large = Array.from({ length: 357 }, (_, i) => i);
    const { shown, cut } = rankingExtremes(large);
    expect(cut).toBe(true);
    expect(shown).toHaveLength(40);
    expect([shown[0], shown[19], shown[20], shown[39]]).toEqual([0, 19, 337, 356]);
  });
});

describe('lastCompleteMonth', () => {
  it('is the month of data through when it ends that month, else the month before', () => {
    expect(lastCompleteMonth('2025-12-31')).toBe('2025-12');
    expect(lastCompleteMonth('2025-12-15')).toBe('2025-11');
    expect(lastCompleteMonth('2024-02-29')).toBe('2024-02');
  });

  it('leaves room for 30 days of follow-up: data through 31 Dec makes November final', () => {
    // 31 Dec − 30 days = 1 Dec, not a month end → November (30 Nov + 30 days = 30 Dec ≤ 31 Dec).
    expect(lastCompleteMonth('2025-12-31', 30)).toBe('2025-11');
    // 30 Jan − 30 days = 31 Dec, a month end → December.
    expect(lastCompleteMonth('2026-01-30', 30)).toBe('2025-12');
  });
});

describe('defaultLastMonth', () => {
  it('ends readmission pages at the last month with complete follow-up, leaves others to the API', () => {
    // Data through 31 Dec 2025: December's discharges are followed up only at the end of January.
    expect(defaultLastMonth('readmissions', '2025-12-31T23:57:00')).toBe('2025-11');
    expect(defaultLastMonth('kad-stays', '2025-12-31T23:57:00')).toBeUndefined();
    expect(defaultLastMonth('readmissions', null)).toBeUndefined();
    expect(defaultLastMonth(null, '2025-12-31')).toBeUndefined();
  });

  it('waits for the slowest hospital when a metric has follow-up', () => {
    // Arendal's extract ends 30 Nov: a discharge on 31 Oct is followed up to 30 Nov, so October is the
    // last final month (a discharge on 1 Nov would need 1 Dec). KAD stays have no follow-up: data through.
    const sources = [{ source: 'Kristiansand', dataThrough: '2025-12-31' }, { source: 'Arendal', dataThrough: '2025-11-30' }];
    expect(finalThrough('readmissions', '2025-12-31T23:57:00', sources)).toBe('2025-11-30');
    expect(defaultLastMonth('readmissions', '2025-12-31T23:57:00', sources)).toBe('2025-10');
    expect(finalThrough('kad-stays', '2025-12-31T23:57:00', sources)).toBe('2025-12-31T23:57:00');
  });
});
