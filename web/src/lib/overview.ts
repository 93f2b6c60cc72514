// The overview card's arithmetic-free logic: which month is "latest" and which windows the rolling
// figures cover. Every number itself comes from the API (by=total over the window), and every metric
// rule (days of follow-up) from the catalogue (contract/metrics.ts). Tested in tests/web/overview.test.ts.
import { declarationOf, type MetricId, type MetricRow, type SourceDataThrough } from '../../../contract/types.ts';
import { addMonths } from './months.ts';

/** Headline metrics on the overview, in card order. kad-occupancy is per unit (see unitsServing). */
export const headlineMetrics = ['readmissions', 'discharge-ready-days', 'kad-bed-days', 'kad-occupancy', 'acute-admissions'] as const;
export type HeadlineMetric = (typeof headlineMetrics)[number];

/**
 * The last month that has a figure (a row with a denominator, suppressed or not). Readmissions need
 * 30 days of follow-up, so their latest month is earlier than data through; others end at data through.
 */
export function latestMonth(rows: MetricRow[]): string | null {
  let latest: string | null = null;
  for (const row of rows)
    if (/^\d{4}-\d{2}$/.test(row.period) && (row.suppressed || (row.denominator ?? 0) > 0) && (!latest || row.period > latest))
      latest = row.period;
  return latest;
}

export interface Windows {
  /** The 12 months ending with the latest month. */
  rolling: { from: string; to: string };
  /** The 12 months a year earlier. */
  previous: { from: string; to: string };
  /** The sparkline: 24 months ending with the latest month. */
  sparkline: { from: string; to: string };
}

export function windowsEndingAt(latest: string): Windows {
  return {
    rolling: { from: addMonths(latest, -11), to: latest },
    previous: { from: addMonths(latest, -23), to: addMonths(latest, -12) },
    sparkline: { from: addMonths(latest, -23), to: latest },
  };
}

/** The value to compare, or null when either side is missing or suppressed (no change is then shown). */
export function comparable(row: MetricRow | undefined): number | null {
  return row && !row.suppressed && row.value !== null ? row.value : null;
}

/** Whether any row carries a figure (a suppressed cell counts: it exists but is hidden). */
export function hasFigures(rows: MetricRow[]): boolean {
  return rows.some((row) => row.suppressed || (row.denominator ?? 0) > 0);
}

/** The rows a ranking chart can show legibly: all when few, else the `each` highest and lowest. */
export function rankingExtremes<T>(ranked: T[], each = 20): { shown: T[]; cut: boolean } {
  return ranked.length <= each * 2 ? { shown: ranked, cut: false } : { shown: [...ranked.slice(0, each), ...ranked.slice(-each)], cut: true };
}

/**
 * The last whole month whose figures are final on `dataThrough` (YYYY-MM-DD): the month must have
 * ended `followUpDays` before it. Readmissions need 30 days of follow-up after each discharge
 * (metrics.md §1), so a December discharge is only final at the end of January; other metrics need 0.
 */
export function lastCompleteMonth(dataThrough: string, followUpDays = 0): string {
  const day = new Date(`${dataThrough.slice(0, 10)}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - followUpDays);
  const next = new Date(day);
  next.setUTCDate(day.getUTCDate() + 1);
  const month = day.toISOString().slice(0, 7);
  return next.getUTCDate() === 1 ? month : addMonths(month, -1);
}

/**
 * The date a metric's figures are final through: a metric with follow-up (readmissions) waits for the
 * slowest hospital (api/metrics/data-through.sql: hospital_complete_through); others end at data through.
 */
export function finalThrough(metric: MetricId, dataThrough: string | null | undefined, sources: readonly SourceDataThrough[] = []): string | null {
  if (!dataThrough) return null;
  if (!declarationOf(metric)?.followUpDays || sources.length === 0) return dataThrough;
  return sources.map((source) => source.dataThrough).sort()[0]!;
}

/**
 * The last month a page shows when the URL names none: the last month whose figures are final, so a
 * readmission page does not end in a partial month of a few days' discharges (a false spike).
 * Undefined leaves it to the API's default (the last month with data).
 */
export function defaultLastMonth(
  metric: MetricId | null,
  dataThrough: string | null | undefined,
  sources: readonly SourceDataThrough[] = [],
): string | undefined {
  const days = metric ? declarationOf(metric)?.followUpDays : undefined;
  const through = metric ? finalThrough(metric, dataThrough, sources) : null;
  return days && through ? lastCompleteMonth(through, days) : undefined;
}
