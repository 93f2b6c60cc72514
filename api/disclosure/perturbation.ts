// The perturbation table of the cell-key method (docs/disclosure-control.md, "The perturbation
// table"): for a true count c and a cell key, the published count. 0 stays 0; no count from 1 to 4 is
// ever published: each becomes 5 with probability 2/5 and 0 otherwise, whatever c is, so one view of
// a small cell says nothing about c (bias 2 − c, stated in the doc); rows from 5 on have expected
// noise exactly 0; counts of 7 and more get noise in −2…+2 with variance exactly 1. Probabilities are exact fractions and the key intervals exact integers in key
// units, so TypeScript and SQL (perturbationTableSql) give the same answer for the same key.
import { keyUnitsPerOne } from './record-key.ts';

/** Counts from 1 up to this are never published: they become 0 or smallestPublished. */
export const largestHidden = 4;
export const smallestPublished = 5;
/** Counts from here on share one row. */
export const steadyFrom = 7;
/** Out of 5: how often a count of 1–4 is published as 0 (else as 5). */
const smallHiddenShownAsZero = 3;

/** One outcome of a row: noise added with probability numerator ÷ denominator. */
export interface Outcome {
  noise: number;
  numerator: number;
  denominator: number;
}

/** The row of the table for a true count (c ≥ 1). */
export function outcomesFor(count: number): Outcome[] {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`A perturbed count is a whole number ≥ 1; got ${count}.`);
  if (count <= largestHidden) {
    // The same for every c in 1–4 (leak-free): 0 with probability 3/5, 5 with probability 2/5, so the
    // published value depends on the key alone. E = 2 (bias 2 − c); Var = 25 · 2/5 − 2² = 6.
    return [
      { noise: -count, numerator: smallHiddenShownAsZero, denominator: smallestPublished },
      { noise: smallestPublished - count, numerator: smallestPublished - smallHiddenShownAsZero, denominator: smallestPublished },
    ];
  }
  const in32nds = (pairs: [number, number][]): Outcome[] => pairs.map(([noise, numerator]) => ({ noise, numerator, denominator: 32 }));
  // 5: may fall to 0 but never to 3 or 4. E = (−5·1 + 1·3 + 2·1)/32 = 0; V = (25 + 3 + 4)/32 = 1.
  if (count === 5) return in32nds([[-5, 1], [0, 27], [1, 3], [2, 1]]);
  // 6: never to 4. E = (−14 + 10 + 2·2)/32 = 0; V = (14 + 10 + 4·2)/32 = 1.
  if (count === 6) return in32nds([[-1, 14], [0, 6], [1, 10], [2, 2]]);
  // ≥ 7: symmetric. E = 0; V = (4·2 + 1·8 + 1·8 + 4·2)/32 = 1.
  return in32nds([[-2, 2], [-1, 8], [0, 12], [1, 8], [2, 2]]);
}

/** Key-unit interval [lower, upper) of each outcome, in the order of outcomesFor. */
export interface Interval extends Outcome {
  lowerUnits: number;
  upperUnits: number;
}

const rows = new Map<number, Interval[]>();

/** The outcomes of a row with their key intervals; the cumulative bounds are ceil(P · 2^52), exact in BigInt. */
export function intervalsFor(count: number): Interval[] {
  const rowClass = Math.min(count, steadyFrom);
  const cached = rows.get(rowClass);
  if (cached) return cached;
  const intervals: Interval[] = [];
  let cumulative = 0n; // numerator over the row's common denominator
  let lowerUnits = 0;
  const outcomes = outcomesFor(rowClass);
  const denominator = BigInt(outcomes[0]!.denominator);
  for (const outcome of outcomes) {
    cumulative += BigInt(outcome.numerator) * (denominator / BigInt(outcome.denominator));
    const scaled = cumulative * BigInt(keyUnitsPerOne);
    const upperUnits = Number((scaled + denominator - 1n) / denominator);
    intervals.push({ ...outcome, lowerUnits, upperUnits });
    lowerUnits = upperUnits;
  }
  rows.set(rowClass, intervals);
  return intervals;
}

function checkKeyUnits(cellKeyUnits: number): void {
  if (!Number.isSafeInteger(cellKeyUnits) || cellKeyUnits < 0 || cellKeyUnits >= keyUnitsPerOne) {
    throw new RangeError(`A cell key in key units is an integer from 0 to 2^52 − 1; got ${cellKeyUnits}.`);
  }
}

/** The published count for a true count and its cell key (key units). */
export function perturbCount(count: number, cellKeyUnits: number): number {
  checkKeyUnits(cellKeyUnits);
  if (count === 0) return 0;
  const outcome = intervalsFor(count).find((interval) => cellKeyUnits < interval.upperUnits)!;
  return count + outcome.noise;
}

/** The table's expected noise and variance for a true count, from the exact fractions. */
export function noiseMoments(count: number): { mean: number; variance: number } {
  if (count === 0) return { mean: 0, variance: 0 };
  const outcomes = outcomesFor(Math.min(count, steadyFrom));
  const mean = outcomes.reduce((sum, o) => sum + (o.noise * o.numerator) / o.denominator, 0);
  const variance = outcomes.reduce((sum, o) => sum + ((o.noise - mean) ** 2 * o.numerator) / o.denominator, 0);
  return { mean, variance };
}

/**
 * The table as SQL VALUES rows (row_class, lower_units, upper_units, noise); join on
 * row_class = least(count, 7) AND key_units >= lower_units AND key_units < upper_units (no row for 0).
 */
export function perturbationTableSql(): string {
  const values: string[] = [];
  for (let rowClass = 1; rowClass <= steadyFrom; rowClass++) {
    for (const i of intervalsFor(rowClass)) values.push(`(${rowClass}, ${i.lowerUnits}, ${i.upperUnits}, ${i.noise})`);
  }
  return `(VALUES ${values.join(', ')}) AS perturbation(row_class, lower_units, upper_units, noise)`;
}

/**
 * Nights (a magnitude, not a count of people): nights + round(largest × μ), where largest is the most
 * nights one stay contributes to the cell and μ comes from the cell's nights key: |μ| uniform on
 * [0.2, 0.6), sign from the key's half. E[μ] = 0, E[μ²] = (0.6³ − 0.2³) / (3 · 0.4) = 0.208 / 1.2 = 0.17333….
 * |μ| ≥ 0.2, so even a cell of one stay never shows that stay's nights exactly (unless it has 0–2);
 * |μ| < 0.6 and nights ≥ largest, so the result is never negative. No stays published → no nights.
 */
export function perturbNights(nights: number, largestStayNights: number, nightsKeyUnits: number, publishedStays: number): number {
  checkKeyUnits(nightsKeyUnits);
  if (publishedStays === 0 || nights === 0) return 0;
  if (largestStayNights > nights || largestStayNights < 0) throw new RangeError('The largest stay cannot have more nights than the cell.');
  return nights + Math.floor(largestStayNights * magnitudeFactor(nightsKeyUnits) + 0.5);
}

export function magnitudeFactor(keyUnits: number): number {
  const key = keyUnits / keyUnitsPerOne;
  return key < 0.5 ? -(0.2 + 0.8 * key) : 0.2 + 0.8 * (key - 0.5);
}

/**
 * A rate, share or mean from published figures: scale × numerator ÷ denominator (null without a
 * denominator). Shares clamp the numerator to the denominator: two independently perturbed counts
 * could otherwise show 102 %.
 */
export function perturbedRatio(numerator: number, denominator: number, scale: number, share = false): { numerator: number; value: number | null } {
  const shown = share ? Math.min(numerator, denominator) : numerator;
  return { numerator: shown, value: denominator > 0 ? (scale * shown) / denominator : null };
}
