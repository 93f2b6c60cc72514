// A KAD unit's beds today and ahead on the projections page (web/src/lib/kad-capacity.ts): the unit
// keeps its share of its catchment's KAD bed-days. Every number is worked by hand below.
import { describe, expect, it } from 'vitest';
import type { ProjectionResponse, ProjectionRow } from '../../contract/projections.ts';
import type { KadUnit, MetricRow } from '../../contract/types.ts';
import { unitCapacity, unitCapacitySentence } from '../../web/src/lib/kad-capacity.ts';

/** Intl writes non-breaking spaces in Norwegian numbers and percentages: `~` stands for one here. */
const nb = (text: string) => text.replace(/~/g, '\u00a0');

// Unit "sor-kad" serves 4204 and 4215. Base year 2025 (365 days): 4 380 bed-days = 12 a day, capacity
// 7 665 bed-days = 21 beds all year, occupancy 4 380 / 7 665 = 57,1 %.
// Catchment KAD bed-days (demography alone): 2025 3 000 + 1 000 = 4 000; 2030 3 300 + 1 100 = 4 400 (×1,1);
// 2040 3 900 + 1 300 = 5 200 (×1,3). Beds at 85 %: 2030 12 × 1,1 / 0,85 = 15,53 → 16; 2040 12 × 1,3 / 0,85
// = 18,35 → 19; the base year itself 12 / 0,85 = 14,12 → 15 (fewer than the 21 it has, at 57 %). With the change: 2030 3 135 + 1 045 = 4 180 (×1,045) → 12,54 / 0,85 = 14,75 → 15; 2040
// 3 360 + 1 120 = 4 480 (×1,12) → 13,44 / 0,85 = 15,81 → 16.
const unit: KadUnit = { unit: 'sor-kad', name: 'Sørlandet KAD', hostMunicipality: '4204', municipalities: ['4204', '4215'] };
const occupancy: MetricRow = { unit: 'sor-kad', period: 'total', numerator: 4380, denominator: 7665, value: 57.14, ciLow: null, ciHigh: null, suppressed: false };
const row = (municipality: string, year: number, demography: number, withChange = demography): ProjectionRow => ({
  municipality, alternative: 'MMMM', year, population: 0, demography, withChange, bedsDemography: null, bedsWithChange: null, costNok: null, rateSource: 'own',
});
const catchment: ProjectionResponse = {
  metric: 'kad-bed-days', measure: 'nights', base: { from: 2023, to: 2025 }, vintage: '2024', alternatives: ['MMMM'],
  changePercentPerYear: -1, occupancyPercent: 85,
  rows: [
    row('4204', 2025, 3000), row('4215', 2025, 1000),
    row('4204', 2030, 3300, 3135), row('4215', 2030, 1100, 1045),
    row('4204', 2040, 3900, 3360), row('4215', 2040, 1300, 1120),
  ],
};
const years = [2025, 2030, 2040];

describe("a KAD unit's beds ahead", () => {
  it('gives today\'s beds and occupancy and the whole beds needed at the target occupancy, alone and with the change', () => {
    const capacity = unitCapacity(unit, occupancy, catchment, 'MMMM', 2025, years)!;
    expect(capacity).toMatchObject({ unit: 'sor-kad', year: 2025, bedsToday: 21, occupancyToday: 57.14, protected: false });
    expect(capacity.needed).toEqual([
      { year: 2025, beds: 15, bedsWithChange: 15 },
      { year: 2030, beds: 16, bedsWithChange: 15 },
      { year: 2040, beds: 19, bedsWithChange: 16 },
    ]);
  });

  it('says it as the issue does, in bokmål and English, protected occupancy marked *', () => {
    const capacity = unitCapacity(unit, occupancy, catchment, 'MMMM', 2025, years)!;
    expect(unitCapacitySentence(capacity, 85, 0, 'nb')).toBe(nb('Sørlandet KAD: i dag 21 senger med 57~% belegg (2025); ved dagens bruk trengs 15 i 2025, 16 i 2030, 19 i 2040 (ved 85~% belegg).'));
    expect(unitCapacitySentence(capacity, 85, -1, 'en')).toBe(
      "Sørlandet KAD: today 21 beds at 57% occupancy (2025); at today's use it needs 15 in 2025, 16 in 2030, 19 in 2040 (at 85% occupancy). With -1.0 % a year: 15 in 2025, 15 in 2030, 16 in 2040.",
    );
    const shielded = unitCapacity(unit, { ...occupancy, protected: true }, catchment, 'MMMM', 2025, years)!;
    expect(unitCapacitySentence(shielded, 85, 0, 'nb')).toContain(nb('57~%* belegg'));
  });

  it('gives nothing without an occupancy figure or a catchment projection, and – for a year a member lacks', () => {
    expect(unitCapacity(unit, undefined, catchment, 'MMMM', 2025, years)).toBeNull();
    expect(unitCapacity(unit, { ...occupancy, numerator: null, suppressed: true }, catchment, 'MMMM', 2025, years)).toBeNull();
    expect(unitCapacity(unit, { ...occupancy, denominator: 0 }, catchment, 'MMMM', 2025, years)).toBeNull();
    expect(unitCapacity(unit, occupancy, { ...catchment, rows: [] }, 'MMMM', 2025, years)).toBeNull();
    const gap = unitCapacity(unit, occupancy, { ...catchment, rows: catchment.rows.filter((r) => !(r.municipality === '4215' && r.year === 2040)) }, 'MMMM', 2025, years)!;
    expect(gap.needed[2]).toEqual({ year: 2040, beds: null, bedsWithChange: null });
    expect(unitCapacitySentence(gap, 85, 0, 'nb')).toContain('– i 2040');
  });
});
