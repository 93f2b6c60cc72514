// The projections page's population pyramid, shaped from GET /api/projections/population
// (contract/projections.ts): men to the left as negative values, women to the right, today beside the
// projection year. Pure; tested in tests/web/projections.test.ts. PyramidChart.svelte only draws it.
import { pyramidAgeGroups, type PopulationPyramidResponse, type PyramidYear } from '../../../contract/projections.ts';
import { formatNumber, type Lang } from './format.ts';
import { translate } from './i18n/index.ts';

export interface PyramidBars {
  year: number;
  /** Per age group, youngest first: men as negative persons (drawn to the left), women positive. */
  men: number[];
  women: number[];
}

export interface PyramidData {
  /** Age groups as people write them: 0–4 … 85–89, 90+. */
  ageGroups: string[];
  today: PyramidBars | null;
  projected: PyramidBars | null;
}

function barsOf(year: PyramidYear | null, place: string): PyramidBars | null {
  if (!year) return null;
  const persons = (sex: 'M' | 'K') =>
    pyramidAgeGroups.map((group) => year.rows.find((r) => r.municipality === place && r.sex === sex && r.ageGroup === group)?.persons ?? 0);
  // −0 would print as "-0" in a tooltip: no men is 0.
  return { year: year.year, men: persons('M').map((p) => (p === 0 ? 0 : -p)), women: persons('K') };
}

/** The pyramid of one place; null when the answer has neither registered nor projected population. */
export function pyramidSeries(data: PopulationPyramidResponse, place: string): PyramidData | null {
  const today = barsOf(data.today, place);
  const projected = barsOf(data.projected, place);
  if (!today && !projected) return null;
  return { ageGroups: pyramidAgeGroups.map((group) => group.replace('-', '–')), today, projected };
}

/** An axis or tooltip number: persons without the sign that only says which side (1 234 men, not −1 234). */
export const pyramidNumber = (value: number, lang: Lang) => formatNumber(Math.abs(value), lang);

/** "Befolkning i dag og i 2040" / "Population today and in 2040"; one year when the other is missing. */
export function pyramidTitle(data: PyramidData, lang: Lang): string {
  if (data.today && data.projected) return translate(lang, 'projections.pyramid', { year: data.projected.year });
  return translate(lang, 'projections.pyramid.one', { year: (data.today ?? data.projected)!.year });
}

/** Half the x axis: the largest group of either sex and year, rounded up to a round number (5 852 → 6 000,
 *  120 → 150, at least 1), so the axis is symmetric around 0 and ends on a tick. */
export function pyramidExtent(data: PyramidData): number {
  const values = [data.today, data.projected].flatMap((bars) => (bars ? [...bars.men, ...bars.women] : []));
  const largest = Math.max(0, ...values.map(Math.abs));
  // Persons are whole: an axis never ends below one person (bands spread over ages give fractions).
  if (largest <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(largest));
  return [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((step) => step * power).find((round) => round >= largest)!;
}
