// The protected query path (docs/disclosure-control.md) on a real DuckDB warehouse: every protected
// figure is a sum of perturbed base cells (municipality × month × sex × broad band), each perturbed once
// by its own cell key. Expected figures are worked out here from the records read back, the record
// keys (api/disclosure/record-key.ts), the cell key and the perturbation table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellKeyUnits } from '../../api/disclosure/cell-key.ts';
import { perturbCount, perturbNights } from '../../api/disclosure/perturbation.ts';
import { recordDomains, recordKeyUnits } from '../../api/disclosure/record-key.ts';
import { cellKeySecret } from '../../api/disclosure/secret.ts';
import { compareMetric, InvalidQueryError, queryMetric } from '../../api/metrics/engine.ts';
import type { MetricQuery, MetricRow } from '../../contract/types.ts';
import { testWarehouse, type TestWarehouse } from '../metrics/fixture.ts';

let t: TestWarehouse;
let secret: Uint8Array;
interface Stay { unit: string; stay_id: string; municipality: string; sex: string; age: number; admitted: string; discharged: string; to_hospital: boolean }
let stays: Stay[];

const months = Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`);
const base: MetricQuery = { metric: 'kad-stays', municipalities: ['4204'], from: '2024-01', to: '2024-12', by: 'month', sex: 'all', standardise: 'none' };
const protectedRows = async (query: Partial<MetricQuery>) =>
  (await queryMetric(t.warehouse, { ...base, ...query } as MetricQuery, undefined, { protect: true })).rows;

beforeAll(async () => {
  t = await testWarehouse();
  // Each month: (month · 5 + offset) mod 9 stays per municipality of women aged 80 (0–8: many
  // cells of 1–4) and month mod 4 men aged 50, 0–4 nights each, some across a month's end; every third sent to hospital.
  let n = 0;
  for (const [municipality, offset] of [['4204', 3], ['4223', 1]] as const) {
    for (let month = 1; month <= 12; month++) {
      const people: [number, 'M' | 'K'][] = [
        ...Array.from({ length: (month * 5 + offset) % 9 }, () => [80, 'K'] as [number, 'K']),
        ...Array.from({ length: month % 4 }, () => [50, 'M'] as [number, 'M']),
      ];
      for (const [age, sex] of people) {
        n += 1;
        const day = 1 + ((n * 7) % 28);
        const admitted = new Date(Date.UTC(2024, month - 1, day, 10));
        const discharged = new Date(admitted.getTime() + ((n % 5) * 24 + 2) * 3600_000);
        const iso = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
        await t.kadStay({ municipality, age, sex, admitted: iso(admitted), discharged: iso(discharged), dischargedTo: n % 3 === 0 ? 'sykehus' : 'hjem' });
      }
    }
    await t.population(municipality, 2024, 'K', municipality === '4204' ? 2000 : 600, 80);
    await t.population(municipality, 2024, 'M', municipality === '4204' ? 9000 : 3000, 50);
  }
  // A hidden cell: exactly 3 men aged 70 in Vennesla (4223), June 2024.
  for (const day of [3, 12, 20]) await t.kadStay({ municipality: '4223', age: 70, sex: 'M', admitted: `2024-06-${day} 08:00`, discharged: `2024-06-${day + 1} 08:00` });
  await t.kadStay({ admitted: '2024-12-31 08:00', discharged: '2025-01-01 09:00' }); // sets the KAD data through
  stays = (await t.sql(`SELECT unit, stay_id, municipality_code AS municipality, sex, age::INTEGER AS age,
      strftime(admitted, '%Y-%m-%d') AS admitted, strftime(discharged, '%Y-%m-%d') AS discharged, discharged_to = 'sykehus' AS to_hospital FROM kad_stay`)) as unknown as Stay[];
  secret = cellKeySecret(t.warehouse.path);
});
afterAll(() => t?.close());

const band = (age: number) => (age < 67 ? 0 : age < 80 ? 67 : 80);
const stayKey = (s: Stay) => recordKeyUnits(secret, recordDomains.kadStay, [s.unit, s.stay_id]);
const nightsKey = (s: Stay) => recordKeyUnits(secret, recordDomains.stayNights, ['kad', s.unit, s.stay_id]);
/** Base cells of the stays, keyed municipality|month|sex|band, by the month `monthOf` gives. */
function cells(monthOf: (s: Stay) => string, keep: (s: Stay) => boolean = () => true): Map<string, Stay[]> {
  const result = new Map<string, Stay[]>();
  for (const s of stays.filter(keep)) {
    const id = `${s.municipality}|${monthOf(s).slice(0, 7)}|${s.sex}|${band(s.age)}`;
    result.set(id, [...(result.get(id) ?? []), s]);
  }
  return result;
}
const publishedCount = (records: Stay[]) => perturbCount(records.length, cellKeyUnits(records.map(stayKey)));
/** Σ over the cells of `municipalities` in `month`s of f(cell). */
const sumCells = (map: Map<string, Stay[]>, municipalities: string[], inMonths: string[], f: (records: Stay[]) => number) =>
  [...map].filter(([id]) => municipalities.includes(id.split('|')[0]!) && inMonths.includes(id.split('|')[1]!)).reduce((sum, [, records]) => sum + f(records), 0);
const admittedCells = () => cells((s) => s.admitted);
const numerators = (rows: MetricRow[]) => rows.map((row) => row.numerator!);

describe('protected answers are sums of perturbed base cells', () => {
  it('give the same cell the same figure in a month, a quarter, a 12-month total and a collaboration total', async () => {
    const perMonth = await protectedRows({});
    // By hand: each month's figure is Σ perturbCount over its (sex, band) cells.
    expect(numerators(perMonth)).toEqual(months.map((m) => sumCells(admittedCells(), ['4204'], [m], publishedCount)));
    expect(perMonth.every((row) => row.protected === true)).toBe(true);
    const quarters = await protectedRows({ by: 'quarter' });
    expect(numerators(quarters)).toEqual([0, 3, 6, 9].map((q) => numerators(perMonth).slice(q, q + 3).reduce((a, b) => a + b, 0)));
    const [total] = await protectedRows({ by: 'total' });
    expect(total!.numerator).toBe(numerators(perMonth).reduce((a, b) => a + b, 0));
    // Knutepunkt Sørlandet: only 4204 and 4223 have stays; its total is theirs added, exactly.
    const vennesla = await protectedRows({ municipalities: ['4223'] });
    const [collaboration] = await protectedRows({ municipalities: ['knutepunkt-sorlandet'], by: 'total' });
    expect(collaboration!.numerator).toBe(numerators([...perMonth, ...vennesla]).reduce((a, b) => a + b, 0));
  });

  it('never publish a count of 1–4 for a single base cell (numerators and denominators)', async () => {
    let smallTrueCells = 0;
    const seen: number[] = [];
    for (const municipality of ['4204', '4223'])
      for (const sex of ['M', 'K'] as const)
        for (const age of ['0-66', '67-79', '80+']) {
          const query = { municipalities: [municipality], sex, age };
          const exact = await queryMetric(t.warehouse, { ...base, ...query, metric: 'kad-transfer-share' } as MetricQuery);
          smallTrueCells += exact.rows.filter((row) => row.denominator! >= 1 && row.denominator! <= 4).length;
          for (const metric of ['kad-stays', 'kad-transfer-share'] as const)
            for (const row of await protectedRows({ ...query, metric })) seen.push(row.numerator!, ...(metric === 'kad-stays' ? [] : [row.denominator!]));
        }
    expect(smallTrueCells).toBeGreaterThan(10); // the data has plenty of small cells to hide
    expect(seen.filter((value) => value >= 1 && value <= 4)).toEqual([]);
  });

  it('leave nothing new to difference: 12 months minus the 11 before is the month as published', async () => {
    const [twelve] = await protectedRows({ by: 'total' });
    const [eleven] = await protectedRows({ by: 'total', to: '2024-11' });
    const [december] = await protectedRows({ from: '2024-12' });
    expect(twelve!.numerator! - eleven!.numerator!).toBe(december!.numerator);
  });

  it('publish a hidden cell of 3 stays as 0 or 5, as the table says for its key', async () => {
    const hidden = admittedCells().get('4223|2024-06|M|67')!;
    expect(hidden).toHaveLength(3);
    const [june] = await protectedRows({ municipalities: ['4223'], from: '2024-06', to: '2024-06', sex: 'M', age: '67-79' });
    expect([0, 5]).toContain(june!.numerator);
    expect(june!.numerator).toBe(publishedCount(hidden));
  });
});

describe('ratios, means, nights and standardised figures come from the perturbed cells', () => {
  it('rates: perturbed count × 1000 ÷ exact person-years', async () => {
    const exact = await queryMetric(t.warehouse, base);
    const rows = await protectedRows({});
    rows.forEach((row, i) => {
      expect(row.denominator).toBeCloseTo(exact.rows[i]!.denominator!, 9); // person-years are public (same sum, last bits may differ)
      expect(row.value).toBeCloseTo((row.numerator! * 1000) / row.denominator!, 10);
    });
  });

  it('shares: Σ min(perturbed sent on, perturbed stays) over Σ perturbed stays, by month of discharge', async () => {
    const discharged = cells((s) => s.discharged);
    const rows = await protectedRows({ metric: 'kad-transfer-share' });
    rows.forEach((row, i) => {
      const numerator = sumCells(discharged, ['4204'], [months[i]!], (records) => {
        const sentOn = records.filter((s) => s.to_hospital);
        return Math.min(perturbCount(sentOn.length, cellKeyUnits(sentOn.map(stayKey))), publishedCount(records));
      });
      const denominator = sumCells(discharged, ['4204'], [months[i]!], publishedCount);
      expect([row.numerator, row.denominator]).toEqual([numerator, denominator]);
      expect(row.value).toBe(denominator > 0 ? (numerator * 100) / denominator : null);
    });
  });

  it('means: perturbed nights (largest-stay rule) over perturbed stays', async () => {
    const nightsOf = (s: Stay) => (Date.parse(s.discharged) - Date.parse(s.admitted)) / 86_400_000;
    const cellNights = (records: Stay[]) =>
      perturbNights(records.reduce((sum, s) => sum + nightsOf(s), 0), Math.max(...records.map(nightsOf)), cellKeyUnits(records.map(nightsKey)), publishedCount(records));
    const discharged = cells((s) => s.discharged);
    const rows = await protectedRows({ metric: 'kad-length-of-stay' });
    expect(rows.map((row) => [row.numerator, row.denominator])).toEqual(
      months.map((m) => [sumCells(discharged, ['4204'], [m], cellNights), sumCells(discharged, ['4204'], [m], publishedCount)]),
    );
  });

  it('nights: each stay adds its nights in the month to that month\'s cell, perturbed there', async () => {
    // A stay's nights are the dates admitted ≤ d < discharged; a stay across a month's end is in both cells.
    const nightsIn = (s: Stay, month: string) => {
      let count = 0;
      for (let d = Date.parse(s.admitted); d < Date.parse(s.discharged); d += 86_400_000) if (new Date(d).toISOString().startsWith(month)) count++;
      return count;
    };
    const rows = await protectedRows({ metric: 'kad-bed-days' });
    const expected = months.map((month) => {
      let sum = 0;
      for (const sex of ['M', 'K'])
        for (const ageBand of [0, 67, 80]) {
          const inCell = stays.filter((s) => s.municipality === '4204' && s.sex === sex && band(s.age) === ageBand && nightsIn(s, month) > 0);
          if (inCell.length === 0) continue;
          const nights = inCell.map((s) => nightsIn(s, month));
          sum += perturbNights(nights.reduce((a, b) => a + b, 0), Math.max(...nights), cellKeyUnits(inCell.map(nightsKey)), publishedCount(inCell));
        }
      return sum;
    });
    expect(numerators(rows)).toEqual(expected);
  });

  it('standardised rates (esp2013-broad) and the funnel\'s expected counts use the perturbed strata', async () => {
    // Women aged 80+ are one stratum: weight 1, so the standardised rate is the crude protected rate.
    const query = { age: '80+', sex: 'K' as const, by: 'total' as const };
    const [row] = await protectedRows({ ...query, standardise: 'age-sex', standard: 'esp2013' });
    expect(row!.standardised).toBeCloseTo(row!.value!, 10);
    // Indirect: expected_i = PY_i × (N_4204 + N_4223) ÷ (PY_4204 + PY_4223), N the protected counts.
    const compared = await compareMetric(t.warehouse, { ...base, ...query, municipalities: ['4204', '4223'] }, undefined, { protect: true });
    const [a, b] = compared.rows;
    const rate = (a!.numerator! + b!.numerator!) / (a!.denominator! + b!.denominator!);
    expect(a!.expected).toBeCloseTo(a!.denominator! * rate, 8);
    expect(b!.expected).toBeCloseTo(b!.denominator! * rate, 8);
    expect(compared.rows.every((r) => r.protected)).toBe(true);
  });
});

describe('the exact path and the limits of the protected one', () => {
  it('exact answers are the true counts and carry no protected flag', async () => {
    const exact = await queryMetric(t.warehouse, base);
    expect(numerators(exact.rows)).toEqual(months.map((m) => sumCells(admittedCells(), ['4204'], [m], (records) => records.length)));
    expect(exact.rows.some((row) => 'protected' in row)).toBe(false);
  });

  it('refuse an age filter that cuts a base band, and by=day', async () => {
    await expect(protectedRows({ age: '0-84' })).rejects.toThrow(InvalidQueryError);
    await expect(protectedRows({ age: '0-84' })).rejects.toThrow(/all, 0-66, 67\+, 67-79, 80\+/);
    await t.kadUnit('KAD1', 4, '2024-01-01', null);
    const day: Partial<MetricQuery> = { metric: 'kad-occupancy', units: ['KAD1'], municipalities: [], by: 'day', from: '2024-01', to: '2024-01' };
    await expect(protectedRows(day)).rejects.toThrow(/by=day is not available/);
  });
});
