// Funnel limits, outliers and variation across the rows of a comparison (one row per municipality
// or unit over the whole period).
import type { CompareResponse, FunnelPoint, MetricRow } from '../../contract/types.ts';
import type { MetricKind } from './catalogue.ts';
import { binomialFlag, poissonFlag } from './exact.ts';
import { funnelDenominators, rateLimits, shareLimits, variation } from './statistics.ts';

const inner = 0.95;
const outer = 0.998;

type Figures = Pick<CompareResponse, 'overall' | 'funnel' | 'outliers' | 'variation'>;

/**
 * overall = the pooled value of the compared rows. Funnel: exact binomial limits for shares (and
 * occupancy), exact Poisson limits around the expected count for rates, none for means (length of
 * stay has no count model); see api/metrics/exact.ts for the interpolation between whole counts.
 * Outliers: rows whose count is improbable at the 99.8 % level by the exact two-sided test — the
 * tail probability P(X ≥ O) or P(X ≤ O) below 0.001 given the pooled value and the row's own
 * denominator. That is the same as lying outside the drawn 99.8 % limits.
 */
export function compareFigures(kind: MetricKind, rows: MetricRow[]): Figures {
  const usable = rows.filter((r) => r.value !== null && (r.denominator ?? 0) > 0);
  const numerator = usable.reduce((a, r) => a + (r.numerator ?? 0), 0);
  const denominator = usable.reduce((a, r) => a + (r.denominator ?? 0), 0);
  if (denominator <= 0) return { overall: null, funnel: [], outliers: [], variation: { maxMinRatio: null, cv: null, scv: null } };

  const scale = kind === 'rate' ? 1000 : kind === 'mean' ? 1 : 100;
  const overall = (numerator * scale) / denominator;
  const limits = (n: number, level: number) => {
    if (kind === 'rate') return rateLimits(overall, n, level);
    const l = shareLimits(Math.min(1, overall / 100), n, level);
    return { lower: l.lower * 100, upper: l.upper * 100 };
  };
  // Binomial limits need whole trials, so the share funnel is drawn at whole denominators.
  const grid = funnelDenominators(usable.map((r) => r.denominator ?? 0)).map((n) => (kind === 'rate' ? n : Math.round(n)));
  const funnel: FunnelPoint[] =
    kind === 'mean'
      ? []
      : [...new Set(grid)].map((n) => {
          const l95 = limits(n, inner);
          const l998 = limits(n, outer);
          return { denominator: n, lower95: l95.lower, upper95: l95.upper, lower998: l998.lower, upper998: l998.upper };
        });
  const isOutlier = (r: MetricRow) => {
    const observed = r.numerator ?? 0;
    const n = r.denominator!;
    if (kind === 'rate') return poissonFlag(observed, (overall * n) / 1000, outer) !== null;
    return binomialFlag(observed, n, Math.min(1, overall / 100), outer) !== null;
  };
  const outliers = kind === 'mean' ? [] : usable.filter(isOutlier).map((r) => r.municipality ?? r.unit ?? '');
  const counts =
    kind === 'mean'
      ? []
      : usable.map((r) => ({ observed: r.numerator ?? 0, expected: (overall * (r.denominator ?? 0)) / scale }));
  return { overall, funnel, outliers, variation: variation(usable.map((r) => r.value!), counts) };
}
