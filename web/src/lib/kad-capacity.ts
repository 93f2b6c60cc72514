// A KAD unit's beds ahead (issue 13 §3): "today 14 beds at 57 %; at today's use 2030 needs 17, 2040
// needs 21". Today is the unit's own occupancy answer for the projection's base year (the per-unit
// occupancy metric: bed-days and bed capacity, protected like every figure). Ahead, the unit keeps its
// share of its catchment's KAD bed-days: its bed-days per day × the catchment's projected bed-days in the
// year ÷ in the base year, at the target occupancy, rounded up to whole beds. The catchment is the
// municipalities the unit serves, projected with the same base, alternative and change as the page.
// Pure functions, tested in tests/web/kad-capacity.test.ts.
import type { ProjectionResponse } from '../../../contract/projections.ts';
import type { KadUnit, MetricRow } from '../../../contract/types.ts';
import { formatNumber, formatPercent, type Lang } from './format.ts';
import { translate } from './i18n/index.ts';
import { valueAt, wholeBeds } from './projections.ts';

export interface UnitCapacity {
  unit: string;
  name: string;
  /** The base year the unit's beds and occupancy are from. */
  year: number;
  /** Mean beds over the year (capacity bed-days ÷ days), and the occupancy in percent. */
  bedsToday: number;
  occupancyToday: number | null;
  /** Whole beds needed at the target occupancy, demography alone and with the annual change. */
  needed: { year: number; beds: number | null; bedsWithChange: number | null }[];
  protected: boolean;
}

const daysIn = (year: number) => (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / 86_400_000;

/** The catchment's projected quantity in a year: the sum over the unit's municipalities, null if any is missing. */
function catchment(data: ProjectionResponse, unit: KadUnit, alternative: string, year: number, quantity: 'demography' | 'withChange', baseYear: number): number | null {
  let total = 0;
  for (const municipality of unit.municipalities) {
    const value = valueAt(data.rows, municipality, alternative, year, quantity, baseYear);
    if (value === null) return null;
    total += value;
  }
  return total;
}

/**
 * The unit's capacity ahead, or null when its occupancy answer has no figures for the base year (no beds,
 * or no stays) or its catchment has no projection.
 */
export function unitCapacity(
  unit: KadUnit,
  occupancy: MetricRow | undefined,
  catchmentProjection: ProjectionResponse,
  alternative: string,
  baseYear: number,
  years: readonly number[],
): UnitCapacity | null {
  if (!occupancy || occupancy.suppressed || occupancy.numerator === null || !occupancy.denominator) return null;
  const days = daysIn(baseYear);
  const nightsPerDay = occupancy.numerator / days;
  const target = catchmentProjection.occupancyPercent / 100;
  const base = catchment(catchmentProjection, unit, alternative, baseYear, 'demography', baseYear);
  if (base === null || base <= 0) return null;
  const bedsAt = (projected: number | null) => (projected === null ? null : wholeBeds((nightsPerDay * (projected / base)) / target));
  return {
    unit: unit.unit,
    name: unit.name,
    year: baseYear,
    bedsToday: occupancy.denominator / days,
    occupancyToday: occupancy.value,
    // The base year first: beds at the target occupancy today, beside the beds the unit has.
    needed: years
      .filter((year) => year >= baseYear)
      .map((year) => ({
        year,
        beds: bedsAt(catchment(catchmentProjection, unit, alternative, year, 'demography', baseYear)),
        bedsWithChange: bedsAt(catchment(catchmentProjection, unit, alternative, year, 'withChange', baseYear)),
      })),
    protected: occupancy.protected === true,
  };
}

/** "Sørlandet KAD: today 21 beds at 57 % (2025); at today's use it needs 15 in 2025, 16 in 2030, 19 in 2040 (at 85 % occupancy)." */
export function unitCapacitySentence(capacity: UnitCapacity, targetPercent: number, changePercent: number, lang: Lang): string {
  const mark = capacity.protected ? '*' : '';
  const list = (field: 'beds' | 'bedsWithChange') =>
    capacity.needed
      .map((n) => translate(lang, 'projections.unit.needs', { year: n.year, beds: n[field] === null ? '–' : formatNumber(n[field]!, lang) }))
      .join(', ');
  const today = translate(lang, 'projections.unit.today', {
    name: capacity.name,
    beds: formatNumber(capacity.bedsToday, lang, Number.isInteger(Math.round(capacity.bedsToday * 10) / 10) ? 0 : 1),
    occupancy: capacity.occupancyToday === null ? '–' : `${formatPercent(capacity.occupancyToday, lang, 0)}${mark}`,
    year: capacity.year,
  });
  const ahead = translate(lang, 'projections.unit.ahead', { needs: list('beds'), target: formatPercent(targetPercent, lang, 0) });
  const scenario = changePercent !== 0
    ? ` ${translate(lang, 'projections.unit.withChange', { percent: formatNumber(changePercent, lang, 1), needs: list('bedsWithChange') })}`
    : '';
  return `${today}; ${ahead}.${scenario}`;
}
