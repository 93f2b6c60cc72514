// Funnel limits, outliers and variation across the rows of a comparison (one row per municipality
// or unit over the whole period).
import type { CompareResponse, FunnelPoint, MetricRow } from '../../contract/types.ts';
import type { MetricKind } from './catalogue.ts';
import { funnelDenominators, rateLimits, shareLimits, variation, z95, z998 } from './statistics.ts';

type Figures = Pick<CompareResponse, 'overall' | 'funnel' | 'outliers' | 'variation'>;

/**
 * overall = the pooled value of the compared rows. Funnel: binomial limits for shares (and
 * occupancy), Poisson limits for rates, none for means (length of stay has no count model).
 * Outliers: rows whose value lies outside the 99.8 % limits at their own denominator.
 */
export function compareFigures(kind: MetricKind, rows: MetricRow[]): Figures {
  const usable = rows.filter((r) => r.value !== null && (r.denominator ?? 0) > 0);
  const numerator = usable.reduce((a, r) => a + (r.numerator ?? 0), 0);
  const denominator = usable.reduce((a, r) => a + (r.denominator ?? 0), 0);
  if (denominator <= 0) return { overall: null, funnel: [], outliers: [], variation: { maxMinRatio: null, cv: null, scv: null } };

  const scale = kind === 'rate' ? 1000 : kind === 'mean' ? 1 : 100;
  const overall = (numerator * scale) / denominator;
  const limits = (n: number, z: number) => {
    if (kind === 'rate') return rateLimits(overall, n, z);
    const l = shareLimits(Math.min(1, overall / 100), n, z);
    return { lower: l.lower * 100, upper: l.upper * 100 };
  };
  const funnel: FunnelPoint[] =
    kind === 'mean'
      ? []
      : funnelDenominators(usable.map((r) => r.denominator ?? 0)).map((n) => {
          const inner = limits(n, z95);
          const outer = limits(n, z998);
          return { denominator: n, lower95: inner.lower, upper95: inner.upper, lower998: outer.lower, upper998: outer.upper };
        });
  const outliers =
    kind === 'mean'
      ? []
      : usable
          .filter((r) => {
            const l = limits(r.denominator!, z998);
            return r.value! < l.lower || r.value! > l.upper;
          })
          .map((r) => r.municipality ?? r.unit ?? '');
  const counts =
    kind === 'mean'
      ? []
      : usable.map((r) => ({ observed: r.numerator ?? 0, expected: (overall * (r.denominator ?? 0)) / scale }));
  return { overall, funnel, outliers, variation: variation(usable.map((r) => r.value!), counts) };
}
