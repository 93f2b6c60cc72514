// Hospitals whose extract lags: /api/health gives each hospital's own data through (a date). Readmission
// follow-up and open stays wait for the slowest hospital (api/metrics/data-through.sql), so the header
// warns when one lags the latest by more than a month. Tested in tests/web/sources.test.ts.
import type { SourceDataThrough } from '../../../contract/types.ts';

/** More than this many days behind the latest hospital counts as lagging ("more than a month"). */
export const lagDays = 31;

const dayNumber = (date: string) => Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / 86_400_000;

/** The hospitals whose data ends more than `lagDays` before the latest one's, earliest first. */
export function laggingSources(sources: readonly SourceDataThrough[]): SourceDataThrough[] {
  const latest = Math.max(...sources.map((s) => dayNumber(s.dataThrough)));
  return sources
    .filter((s) => latest - dayNumber(s.dataThrough) > lagDays)
    .sort((a, b) => a.dataThrough.localeCompare(b.dataThrough) || a.source.localeCompare(b.source));
}
