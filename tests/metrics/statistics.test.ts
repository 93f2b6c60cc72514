// Exact outlier tests and funnel limits (issue 12, first bullet; Spiegelhalter 2005): a count O
// against an expected E is flagged high when P(X ≥ O) < α/2 and low when P(X ≤ O) < α/2, with
// X ~ Poisson(E) for rates and X ~ Binomial(n, p) for shares; α/2 = 0.025 (95 %), 0.001 (99.8 %).
import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../../contract/types.ts';
import { compareFigures } from '../../api/metrics/compare.ts';
import { binomialFlag, poissonControlLimits, poissonFlag, tails } from '../../api/metrics/exact.ts';

const row = (municipality: string, numerator: number, denominator: number, scale: number): MetricRow => ({
  municipality, period: 'total', numerator, denominator, value: (numerator * scale) / denominator, ciLow: null, ciHigh: null, suppressed: false,
});

describe('exact tail probabilities', () => {
  it('match the textbook values', () => {
    // P(X ≤ 0 | E = 3.1) = e^−3.1 = 0.04505; P(X ≤ 0 | E = 2) = e^−2 = 0.13534.
    expect(tails.poissonAtMost(0, 3.1)).toBeCloseTo(Math.exp(-3.1), 15);
    expect(tails.poissonAtMost(0, 2)).toBeCloseTo(0.13534, 5);
    // Binomial(10, 0.15): P(0) = 0.85¹⁰ = 0.19687, P(1) = 10·0.15·0.85⁹ = 0.34743, P(2) = 45·0.0225·0.85⁸ = 0.27590,
    // P(3) = 120·0.003375·0.85⁷ = 0.12983, P(4) = 210·0.00050625·0.85⁶ = 0.04010 → P(X ≥ 5) = 1 − 0.99013 = 0.0099.
    expect(tails.binomialAtLeast(5, 10, 0.15)).toBeCloseTo(0.00987, 5);
    // Binomial(100, ½): P(X ≤ 40) = 0.028444 (tables of the binomial distribution).
    expect(tails.binomialAtMost(40, 100, 0.5)).toBeCloseTo(0.028444, 6);
  });

  it('agree with the Poisson probabilities summed term by term from zero', () => {
    // Σ_{j ≤ k} e^−E E^j ÷ j!, each term from the previous one (× E ÷ (j + 1)); both tails.
    for (const expected of [0.3, 3.1, 10, 30, 250]) {
      let term = Math.exp(-expected);
      let cumulative = 0;
      for (let k = 0; k <= expected * 3 + 10; k++) {
        cumulative += term;
        expect(tails.poissonAtMost(k, expected)).toBeCloseTo(cumulative, 12);
        expect(tails.poissonAtLeast(k + 1, expected)).toBeCloseTo(1 - cumulative, 12);
        term *= expected / (k + 1);
      }
    }
  });

  it('keeps small tails far from the mode accurate: P(X ≤ 1000000 − 3000 | E = 1000000) ≈ Φ(−3) = 0.00135', () => {
    // Normal approximation with continuity correction: z = (997000.5 − 1000000) ÷ 1000 = −2.9995 → Φ(z) = 0.001352;
    // Edgeworth skew term −(skewness ÷ 6)(z² − 1)φ(z) = −(0.001 ÷ 6)·8·0.00443 = −0.0000059 → 0.001346.
    expect(tails.poissonAtMost(997_000, 1_000_000)).toBeCloseTo(0.001346, 6);
  });
});

describe('exact outlier flags', () => {
  it('does not flag 0 where 3.1 or 2 were expected (the issue\'s false flags)', () => {
    // E = 3.1: P(X ≤ 0) = 0.045 > 0.025 and > 0.001 → flagged at neither level (Byar's limits flagged it).
    expect(poissonFlag(0, 3.1, 0.95)).toBeNull();
    expect(poissonFlag(0, 3.1, 0.998)).toBeNull();
    // E = 2: P(X ≤ 0) = 0.135 → not flagged.
    expect(poissonFlag(0, 2, 0.95)).toBeNull();
    expect(poissonFlag(0, 2, 0.998)).toBeNull();
  });

  it('flags 5 of 10 against 15 % at 95 % but not at 99.8 %', () => {
    // P(X ≥ 5) = 0.0099: below 0.025, above 0.001.
    expect(binomialFlag(5, 10, 0.15, 0.95)).toBe('high');
    expect(binomialFlag(5, 10, 0.15, 0.998)).toBeNull();
  });

  it('flags a clearly high and a clearly low count', () => {
    // 25 where 10 expected: P(X ≥ 25) = 1 − Σ_{j ≤ 24} e^−10 10^j ÷ j! = 0.0000469 < 0.001.
    expect(tails.poissonAtLeast(25, 10)).toBeCloseTo(0.0000469, 7);
    expect(poissonFlag(25, 10, 0.998)).toBe('high');
    // 10 where 30 expected: P(X ≤ 10) = 0.0000223 < 0.001.
    expect(tails.poissonAtMost(10, 30)).toBeCloseTo(0.0000223, 7);
    expect(poissonFlag(10, 30, 0.998)).toBe('low');
    // 2 of 100 against 20 %: P(X ≤ 2) = 0.8¹⁰⁰ + 100·0.2·0.8⁹⁹ + 4950·0.04·0.8⁹⁸ ≈ 4.1e−8 → low.
    expect(binomialFlag(2, 100, 0.2, 0.998)).toBe('low');
  });
});

describe('exact funnel limits', () => {
  it('interpolate between whole counts so that a count lies outside exactly when it is flagged', () => {
    // E = 3.1, 99.8 %: P(X ≥ 10) = 0.00140 ≥ 0.001 and P(X ≥ 11) < 0.001, so the limit lies
    // between 10 and 11: 10 + (0.00140 − 0.001) ÷ P(X = 10) = 10 + 0.00040 ÷ 0.001017 = 10.39.
    // The lower limit is 0: P(X ≤ 0) = 0.045 ≥ 0.001, so r = 0 and 0 − (0.045 − 0.001) ÷ 0.045 < 0 → 0.
    const { lower, upper } = poissonControlLimits(3.1, 0.998);
    expect(lower).toBe(0);
    expect(upper).toBeCloseTo(10.394, 3);
    expect(poissonFlag(10, 3.1, 0.998)).toBeNull();
    expect(poissonFlag(11, 3.1, 0.998)).toBe('high');
  });

  it('agree with the normal approximation when the expected count is large', () => {
    // E = 10000, σ = 100: E ± 1.96σ = 9804.0 … 10196.0 and E ± 3.09σ = 9691.0 … 10309.0; the exact limits
    // are within about 2 counts (the Poisson skew, ≈ (z² − 1)/6, puts both a little higher).
    const l95 = poissonControlLimits(10_000, 0.95);
    const l998 = poissonControlLimits(10_000, 0.998);
    expect(Math.abs(l95.lower - 9804.0)).toBeLessThan(1);
    expect(Math.abs(l95.upper - 10196.0)).toBeLessThan(1.5);
    expect(Math.abs(l998.lower - 9691.0)).toBeLessThan(1.5);
    expect(Math.abs(l998.upper - 10309.0)).toBeLessThan(2.5);
  });
});

describe('compareFigures with exact methods', () => {
  it('does not flag municipalities with 0 stays where 3.1 and 2 were expected', () => {
    // 1000 stays over 1 000 000 person-years → 1 per 1000. A: 0 over 3100 → E = 3.1; C: 0 over 2000 → E = 2;
    // B: 1000 over 994 900 → E = 994.9 (O − E = 5.1, well inside).
    const figures = compareFigures('rate', [row('A', 0, 3100, 1000), row('B', 1000, 994_900, 1000), row('C', 0, 2000, 1000)]);
    expect(figures.overall).toBeCloseTo(1, 12);
    expect(figures.outliers).toEqual([]);
    // Rates are drawn as SMR against the expected count (no strata here: E = pooled rate × person-years).
    // At the smallest, E = 2, the lower limits are 0 (P(X ≤ 0) = 0.135).
    const smallest = figures.funnel[0]!;
    expect(smallest.denominator).toBe(2);
    expect(figures.rows.map((r) => r.expected)).toEqual([3.1, 1000 * 0.9949, 2].map((e) => expect.closeTo(e, 9)));
    expect([smallest.lower95, smallest.lower998]).toEqual([0, 0]);
  });

  it('does not flag 5 of 10 against a pooled 15 % at 99.8 %, though it lies outside the 95 % limits', () => {
    // A: 5 of 10, B: 145 of 990 → 150 of 1000 = 15 %. At n = 10 the 95 % upper limit: P(X ≥ 4) = 0.0500 ≥ 0.025,
    // P(X ≥ 5) = 0.0099 < 0.025 → 4 + (0.0500 − 0.025) ÷ P(X = 4) = 4 + 0.0250 ÷ 0.0401 = 4.62 of 10 = 46.2 %.
    const figures = compareFigures('share', [row('A', 5, 10, 100), row('B', 145, 990, 100)]);
    expect(figures.overall).toBeCloseTo(15, 12);
    expect(figures.outliers).toEqual([]);
    const atTen = figures.funnel.find((p) => p.denominator === 10)!;
    expect(atTen.upper95).toBeCloseTo(46.2, 1);
    expect(atTen.upper95).toBeLessThan(50);
    expect(atTen.upper998).toBeGreaterThan(50);
  });

  it('draws the share funnel at whole denominators', () => {
    const figures = compareFigures('share', [row('A', 5, 10, 100), row('B', 145, 990, 100)]);
    expect(figures.funnel.every((p) => Number.isInteger(p.denominator))).toBe(true);
  });
});
