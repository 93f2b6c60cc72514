// Exact Poisson and binomial tail probabilities and funnel limits (Spiegelhalter, "Funnel plots for
// comparing institutional performance", Stat Med 2005). Integer tails need no incomplete gamma or
// beta function: one probability is taken in log space and the rest follow by the recurrence
// between neighbouring terms, summed from the tail's start outward (terms shrink away from the
// mode), so small tails keep full relative precision. Pure functions; no database.

/** A discrete distribution on 0, 1, 2 …: its log probability at k and the ratio P(k + 1) ÷ P(k). */
interface Discrete {
  mean: number;
  /** Largest possible value (Infinity for Poisson). */
  max: number;
  logProbability(k: number): number;
  nextRatio(k: number): number;
}

/** ln k! — summed for small k; above, Stirling's series to k⁻⁷ (truncation error below 2e-15). */
function logFactorial(k: number): number {
  if (k < 20) {
    let sum = 0;
    for (let i = 2; i <= k; i++) sum += Math.log(i);
    return sum;
  }
  const k2 = k * k;
  return k * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI * k) + (1 / 12 - (1 / 360 - (1 / 1260 - 1 / (1680 * k2)) / k2) / k2) / k;
}

function poisson(mean: number): Discrete {
  return {
    mean,
    max: Infinity,
    logProbability: (k) => k * Math.log(mean) - mean - logFactorial(k),
    nextRatio: (k) => mean / (k + 1),
  };
}

function binomial(n: number, p: number): Discrete {
  return {
    mean: n * p,
    max: n,
    logProbability: (k) => logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log1p(-p),
    nextRatio: (k) => ((n - k) / (k + 1)) * (p / (1 - p)),
  };
}

/** Σ P(j) for j from k outward (down to 0, or up to max) until the terms no longer count. */
function sumFrom(d: Discrete, k: number, direction: 1 | -1): number {
  let term = Math.exp(d.logProbability(k));
  let sum = term;
  for (let j = k; term > sum * 1e-17; ) {
    if (direction === 1 ? j >= d.max : j <= 0) break;
    term = direction === 1 ? term * d.nextRatio(j) : term / d.nextRatio(j - 1);
    j += direction;
    sum += term;
  }
  return Math.min(1, sum);
}

/** P(X ≤ k), summing whichever tail is the small one. */
function lowerTail(d: Discrete, k: number): number {
  if (k < 0) return 0;
  if (k >= d.max) return 1;
  return k <= d.mean ? sumFrom(d, k, -1) : 1 - sumFrom(d, k + 1, 1);
}

/** P(X ≥ k). */
function upperTail(d: Discrete, k: number): number {
  if (k <= 0) return 1;
  if (k > d.max) return 0;
  return k >= d.mean ? sumFrom(d, k, 1) : 1 - sumFrom(d, k - 1, -1);
}

export type Flag = 'high' | 'low' | null;

/** Two-sided exact test at `level` (e.g. 0.998): high when P(X ≥ observed) < α/2, low when
 *  P(X ≤ observed) < α/2, α = 1 − level. A fractional observation is taken as its whole counts. */
function flag(d: Discrete, observed: number, level: number): Flag {
  const half = (1 - level) / 2;
  if (upperTail(d, Math.ceil(observed)) < half) return 'high';
  if (lowerTail(d, Math.floor(observed)) < half) return 'low';
  return null;
}

export function poissonFlag(observed: number, expected: number, level: number): Flag {
  if (!(expected > 0)) return observed > 0 ? 'high' : null;
  return flag(poisson(expected), observed, level);
}

export function binomialFlag(observed: number, trials: number, share: number, level: number): Flag {
  const n = Math.round(trials);
  if (share <= 0) return observed > 0 ? 'high' : null;
  if (share >= 1) return observed < n ? 'low' : null;
  return flag(binomial(n, share), observed, level);
}

/**
 * Control limits on the count scale at `level`. Each limit is the exact quantile, interpolated
 * between whole counts as in Spiegelhalter (2005, appendix A.1.1) but on each tail's own
 * probability: the lower limit is r − a with r the smallest count whose P(X ≤ r) ≥ α/2 and
 * a = (P(X ≤ r) − α/2) ÷ P(X = r); the upper limit mirrors it, r + a with r the largest count whose
 * P(X ≥ r) ≥ α/2 and a = (P(X ≥ r) − α/2) ÷ P(X = r). The curve is continuous in the expected
 * count and a count lies outside it exactly when the tests above flag it. Clipped to [0, max].
 */
function limits(d: Discrete, level: number): { lower: number; upper: number } {
  const half = (1 - level) / 2;
  const r = smallestCount(d, (k) => lowerTail(d, k) >= half);
  const lower = r - (lowerTail(d, r) - half) / Math.exp(d.logProbability(r));
  const s = smallestCount(d, (k) => upperTail(d, k + 1) < half);
  const upper = s + (upperTail(d, s) - half) / Math.exp(d.logProbability(s));
  return { lower: Math.max(0, lower), upper: Math.min(d.max, upper) };
}

/** Smallest k in 0 … max for which `holds` (a predicate that stays true once true), by bisection. */
function smallestCount(d: Discrete, holds: (k: number) => boolean): number {
  let low = 0;
  let high = Number.isFinite(d.max) ? d.max : Math.ceil(d.mean + 12 * Math.sqrt(d.mean) + 20);
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (holds(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

export function poissonControlLimits(expected: number, level: number): { lower: number; upper: number } {
  return expected > 0 ? limits(poisson(expected), level) : { lower: 0, upper: 0 };
}

export function binomialControlLimits(trials: number, share: number, level: number): { lower: number; upper: number } {
  const n = Math.round(trials);
  if (share <= 0 || share >= 1) return { lower: share * n, upper: share * n };
  return limits(binomial(n, share), level);
}

/** Exported for the tests: exact tail probabilities. */
export const tails = {
  poissonAtMost: (k: number, expected: number) => lowerTail(poisson(expected), k),
  poissonAtLeast: (k: number, expected: number) => upperTail(poisson(expected), k),
  binomialAtMost: (k: number, n: number, p: number) => lowerTail(binomial(n, p), k),
  binomialAtLeast: (k: number, n: number, p: number) => upperTail(binomial(n, p), k),
};
