// Which days the KAD calendar heatmap shows: the selected year when the period lies in one calendar
// year, otherwise the latest 12 months up to the period's end. Pure, tested in tests/web/calendar.test.ts.

export interface CalendarWindow {
  /** Months for the API (by=day), YYYY-MM. */
  from: string;
  to: string;
  /** First and last day for the ECharts calendar, YYYY-MM-DD. */
  firstDay: string;
  lastDay: string;
}

/** `from`/`to` are the resolved months (YYYY-MM) of the page's period. */
export function calendarWindow(from: string, to: string): CalendarWindow {
  const year = Number(to.slice(0, 4));
  const month = Number(to.slice(5, 7));
  const window =
    from.slice(0, 4) === to.slice(0, 4)
      ? { from: `${year}-01`, to: `${year}-12` }
      : { from: monthText(year, month - 11), to };
  const [lastYear, lastMonth] = window.to.split('-').map(Number) as [number, number];
  // Day 0 of the next month is the last day of this one.
  const lastDate = new Date(Date.UTC(lastYear, lastMonth, 0)).getUTCDate();
  return { ...window, firstDay: `${window.from}-01`, lastDay: `${window.to}-${String(lastDate).padStart(2, '0')}` };
}

/** Month `month` (may be ≤ 0) of `year` as YYYY-MM. */
function monthText(year: number, month: number): string {
  const date = new Date(Date.UTC(year, month - 1, 1));
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}
