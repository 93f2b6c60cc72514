// Interval and comparison statistics for the metrics: Wilson intervals for shares, Poisson intervals
// for rates, the funnel's grid and variation figures (funnel limits: exact.ts, compare.ts). Pure functions; no database.

/** Two-sided 95 % standard normal quantile (Wilson intervals). */
export const z95 = 1.959963984540054;

/** Wilson score interval for x successes in n trials, as fractions; null when n = 0. */
export function wilson(x: number, n: number, z = z95): [number, number] | null {
  if (!(n > 0)) return null;
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Lower and upper limit of a Poisson count with mean/observation `count` (Byar's approximation of
 *  the exact chi-square limits; accurate to a few per cent even for small counts). */
export function poissonLimits(count: number, z = z95): [number, number] {
  const lower = count <= 0 ? 0 : Math.max(0, count * (1 - 1 / (9 * count) - z / (3 * Math.sqrt(count))) ** 3);
  const next = count + 1;
  const upper = next * (1 - 1 / (9 * next) + z / (3 * Math.sqrt(next))) ** 3;
  return [lower, upper];
}

/** 95 % interval for a rate per 1000 per year from a count over person-years. */
export function rateInterval(count: number, personYears: number): [number, number] | null {
  if (!(personYears > 0)) return null;
  const [lower, upper] = poissonLimits(count);
  return [(lower * 1000) / personYears, (upper * 1000) / personYears];
}

/**
 * 95 % interval for a directly standardised rate (Dobson et al. 1991, as used by public-health
 * statistics): DSR + √(Var(DSR) ÷ O) · (O_L − O) and the same with O_U, where O is the observed
 * count and O_L, O_U its Poisson limits. Null when nothing was observed (the method divides by O).
 */
export function standardisedInterval(rate: number, variance: number, observed: number): [number, number] | null {
  if (!(observed > 0) || !(variance >= 0)) return null;
  const [lower, upper] = poissonLimits(observed);
  const scale = Math.sqrt(variance / observed);
  return [Math.max(0, rate + scale * (lower - observed)), rate + scale * (upper - observed)];
}

/** Denominators spread evenly on a log scale between the smallest and largest compared one. */
export function funnelDenominators(denominators: number[], points = 40): number[] {
  const positive = denominators.filter((d) => d > 0);
  if (positive.length === 0) return [];
  const low = Math.min(...positive);
  const high = Math.max(...positive);
  if (low === high) return [low];
  const step = Math.log(high / low) / (points - 1);
  return Array.from({ length: points }, (_, i) => (i === points - 1 ? high : low * Math.exp(step * i)));
}

export interface Variation {
  maxMinRatio: number | null;
  cv: number | null;
  scv: number | null;
}

/**
 * Variation across compared units. maxMinRatio = highest ÷ lowest value (null if the lowest is 0);
 * cv = sample standard deviation ÷ mean of the values; scv = McPherson's systematic component of
 * variation × 100: mean over units of ((O − E)² ÷ E² − 1 ÷ E), with O the observed and E the
 * expected count under the funnel's model (compare.ts: indirect age–sex expected for rates, n × pooled
 * share for shares).
 */
export function variation(values: number[], counts: Array<{ observed: number; expected: number }>): Variation {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length < 2) return { maxMinRatio: null, cv: null, scv: null };
  const max = Math.max(...finite);
  const min = Math.min(...finite);
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const sd = Math.sqrt(finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (finite.length - 1));
  const usable = counts.filter((c) => c.expected > 0);
  const scv =
    usable.length < 2
      ? null
      : (100 * usable.reduce((a, c) => a + ((c.observed - c.expected) / c.expected) ** 2 - 1 / c.expected, 0)) /
        usable.length;
  return { maxMinRatio: min > 0 ? max / min : null, cv: mean !== 0 ? sd / mean : null, scv };
}
