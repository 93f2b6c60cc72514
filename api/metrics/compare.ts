// Funnel limits, outliers, overdispersion and variation across the rows of a comparison (one row per
// municipality or unit over the whole period). Methods: Spiegelhalter, "Funnel plots for comparing
// institutional performance" (Stat Med 2005) and "Handling over-dispersion of performance
// indicators" (Qual Saf Health Care 2005).
import { declarationOf, type CompareResponse, type FunnelPoint, type MetricKind, type MetricRow } from '../../contract/types.ts';
import { binomialControlLimits, binomialFlag, poissonControlLimits, poissonFlag } from './exact.ts';
import { overdispersionOf, widen } from './overdispersion.ts';
import { funnelDenominators, variation } from './statistics.ts';

const inner = 0.95;
const outer = 0.998;

/** Metrics that count nights (or bed-nights): one stay gives many, so the nights are not
 *  independent events and no Poisson or binomial model describes their chance variation. */

export const nightsNote = 'No funnel: the metric counts nights, and the nights of one stay are not independent events, so no count model gives its chance variation.';
export const meanNote = 'No funnel: a mean (nights per stay) has no count model.';

type Figures = Pick<
  CompareResponse,
  'rows' | 'overall' | 'funnel' | 'outliers' | 'variation' | 'funnelMethod' | 'funnelNote' | 'overdispersion'
>;

/** One usable row and its place on the funnel: x (expected count or denominator) and y (SMR or share in %). */
interface Point {
  row: MetricRow;
  observed: number;
  expected: number;
}

/**
 * overall = the pooled value of the compared rows.
 * Rates: the funnel compares indirectly standardised ratios, SMR = observed ÷ expected, where
 * expected = Σ over age–sex strata of the row's person-years × the comparison set's own rate in the
 * stratum (computed in the SQL, query-sql.ts; rows without it fall back to the pooled crude rate ×
 * person-years, i.e. one stratum). Limits are the exact Poisson limits around 1 at each expected
 * count E, in SMR units (limit count ÷ E): an old municipality is not flagged for being old.
 * Shares: exact binomial limits around the pooled share at each denominator; expected = n × share.
 * Nights (the catalogue's countsNights) and means: no funnel, no outliers, a stated funnelNote, expected null.
 * Overdispersion: φ from winsorised z-scores (overdispersion.ts); when φ > 1 every limit is moved
 * away from the target by √φ and outliers are the rows outside the widened 99.8 % limits; otherwise
 * an outlier is a row whose count is improbable at 99.8 % by the exact two-sided test (api/metrics/exact.ts),
 * which is the same as lying outside the drawn limits.
 */
export function compareFigures(kind: MetricKind, rows: MetricRow[], metric?: string): Figures {
  const usable = rows.filter((r) => r.value !== null && (r.denominator ?? 0) > 0);
  const numerator = usable.reduce((a, r) => a + (r.numerator ?? 0), 0);
  const denominator = usable.reduce((a, r) => a + (r.denominator ?? 0), 0);
  const none = { phi: null, used: false };
  const nights = metric !== undefined && (declarationOf(metric)?.countsNights ?? false);
  const withoutFunnel = (overall: number | null, note: string): Figures => ({
    rows: rows.map((r) => ({ ...r, expected: null })),
    overall,
    funnel: [],
    outliers: [],
    variation: variation(usable.map((r) => r.value!), []),
    funnelMethod: 'none',
    funnelNote: note,
    overdispersion: none,
  });
  if (denominator <= 0) return { ...withoutFunnel(null, 'No funnel: nothing to compare.'), variation: { maxMinRatio: null, cv: null, scv: null } };

  const scale = kind === 'rate' ? 1000 : kind === 'mean' ? 1 : 100;
  const overall = (numerator * scale) / denominator;
  if (kind === 'mean') return withoutFunnel(overall, meanNote);
  if (nights) return withoutFunnel(overall, nightsNote);
  return kind === 'rate' ? smrFunnel(rows, usable, overall) : shareFunnel(rows, usable, overall);
}

function smrFunnel(rows: MetricRow[], usable: MetricRow[], overall: number): Figures {
  const expectedOf = (r: MetricRow) => r.expected ?? (overall * (r.denominator ?? 0)) / 1000;
  const points: Point[] = usable.map((row) => ({ row, observed: row.numerator ?? 0, expected: expectedOf(row) }));
  const fitted = points.filter((p) => p.expected > 0);
  // z = (O − E) ÷ √E: the SMR's distance from 1 in Poisson standard errors (1 ÷ √E).
  const overdispersion = overdispersionOf(fitted.map((p) => (p.observed - p.expected) / Math.sqrt(p.expected)));
  const phi = overdispersion.used ? overdispersion.phi! : 1;
  const limits = (expected: number, level: number) => {
    const { lower, upper } = poissonControlLimits(expected, level);
    return { lower: widen(1, lower / expected, phi), upper: widen(1, upper / expected, phi) };
  };
  const funnel = funnelAt(funnelDenominators(fitted.map((p) => p.expected)), limits);
  const outside = (p: Point) =>
    overdispersion.used
      ? outsideLimits(p.observed / p.expected, limits(p.expected, outer))
      : poissonFlag(p.observed, p.expected, outer) !== null;
  return {
    rows: withExpected(rows, new Map(points.map((p) => [p.row, p.expected]))),
    overall,
    funnel,
    outliers: fitted.filter(outside).map((p) => label(p.row)),
    variation: variation(usable.map((r) => r.value!), points),
    funnelMethod: 'smr-poisson',
    funnelNote: null,
    overdispersion,
  };
}

function shareFunnel(rows: MetricRow[], usable: MetricRow[], overall: number): Figures {
  const share = Math.min(1, overall / 100);
  // Binomial limits need whole trials: denominators are rounded, and the funnel drawn at whole ones.
  const points: Point[] = usable.map((row) => ({ row, observed: row.numerator ?? 0, expected: Math.round(row.denominator!) * share }));
  const trialsOf = (p: Point) => Math.round(p.row.denominator!);
  const spread = share * (1 - share);
  // z = (O − n·p) ÷ √(n·p·(1 − p)); none when every row or none has the outcome.
  const zScores = spread > 0 ? points.filter((p) => trialsOf(p) > 0).map((p) => (p.observed - p.expected) / Math.sqrt(trialsOf(p) * spread)) : [];
  const overdispersion = overdispersionOf(zScores);
  const phi = overdispersion.used ? overdispersion.phi! : 1;
  const limits = (trials: number, level: number) => {
    if (!(trials > 0)) return { lower: overall, upper: overall };
    const { lower, upper } = binomialControlLimits(trials, share, level);
    return { lower: widen(overall, (lower * 100) / trials, phi, 0, 100), upper: widen(overall, (upper * 100) / trials, phi, 0, 100) };
  };
  const grid = [...new Set(funnelDenominators(usable.map((r) => r.denominator ?? 0)).map(Math.round))];
  const outside = (p: Point) =>
    overdispersion.used
      ? outsideLimits((p.observed * 100) / trialsOf(p), limits(trialsOf(p), outer))
      : binomialFlag(p.observed, trialsOf(p), share, outer) !== null;
  return {
    rows: withExpected(rows, new Map(points.map((p) => [p.row, p.expected]))),
    overall,
    funnel: funnelAt(grid, limits),
    outliers: points.filter((p) => trialsOf(p) > 0).filter(outside).map((p) => label(p.row)),
    variation: variation(usable.map((r) => r.value!), points),
    funnelMethod: 'share-binomial',
    funnelNote: null,
    overdispersion,
  };
}

function funnelAt(xs: number[], limits: (x: number, level: number) => { lower: number; upper: number }): FunnelPoint[] {
  return xs.map((x) => {
    const l95 = limits(x, inner);
    const l998 = limits(x, outer);
    return { denominator: x, lower95: l95.lower, upper95: l95.upper, lower998: l998.lower, upper998: l998.upper };
  });
}

const outsideLimits = (value: number, limits: { lower: number; upper: number }) => value < limits.lower || value > limits.upper;

const label = (r: MetricRow) => r.municipality ?? r.unit ?? '';

/** Every row with its expected count under the funnel's model; rows left out of the funnel get null. */
function withExpected(rows: MetricRow[], expected: Map<MetricRow, number>): MetricRow[] {
  return rows.map((r) => ({ ...r, expected: expected.get(r) ?? null }));
}
