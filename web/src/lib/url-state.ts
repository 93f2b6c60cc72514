// The view's state lives in the URL (municipality, metric, period, comparison set, language …) so
// that a pasted link opens the same view and back/forward step through views. parseState never
// throws: a mistyped or stale parameter falls back to its default instead of breaking the page.
// Pure functions, tested in tests/web/url-state.test.ts.
import { defaultTargetOccupancy, projectionAlternatives } from '../../../contract/projections.ts';
import { diagnosisGroups, metricIds, type DiagnosisGroup, type MetricId } from '../../../contract/types.ts';
import { languages, type Lang } from './format.ts';

export type Breakdown = 'none' | 'group' | 'age';
export type ProjectionAlternative = (typeof projectionAlternatives)[number];

/** The projections page's scenario: the annual change in rates (percent per year) stays within ±5. */
export const changeLimit = 5;
/** Target occupancy (percent) a user may choose for beds needed. */
export const occupancyRange = { min: 50, max: 100 } as const;

export interface ViewState {
  /** Municipality code (4 digits) or collaboration id; null = the user's default. */
  place: string | null;
  /** Metric for the comparison page (the metric page has it in its path). */
  metric: MetricId;
  /** First and last month, YYYY-MM; null = the API's default (data through and two years back). */
  from: string | null;
  to: string | null;
  /** Comparison set: 'all' municipalities or a collaboration id. */
  set: string;
  lang: Lang;
  /** KAD unit on the KAD page; null = every unit. */
  unit: string | null;
  breakdown: Breakdown;
  /** Projection alternatives shown (main, low, high), always in SSB's order; never empty. */
  alternatives: readonly ProjectionAlternative[];
  /** Annual change in the age–sex-specific rates, percent per year (−5 … +5, one decimal). */
  change: number;
  /** Target occupancy for beds needed, percent. */
  occupancy: number;
  /** Diagnosis group of a projection (readmissions); null = none (the metric's whole population). */
  group: DiagnosisGroup | null;
}

export const defaultState: ViewState = {
  place: null,
  metric: 'readmissions',
  from: null,
  to: null,
  set: 'all',
  lang: 'nb',
  unit: null,
  breakdown: 'none',
  alternatives: projectionAlternatives,
  change: 0,
  occupancy: defaultTargetOccupancy,
  group: null,
};

const code = /^[A-Za-z0-9_-]{1,64}$/;
const month = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The URL parameter for each field, in the order they are written. */
const keys = {
  place: 'm',
  metric: 'metric',
  from: 'from',
  to: 'to',
  set: 'set',
  unit: 'unit',
  breakdown: 'by',
  alternatives: 'alt',
  change: 'change',
  occupancy: 'occ',
  group: 'group',
  lang: 'lang',
} as const;

/** Known codes in SSB's order, duplicates dropped; none known → every alternative. */
function parseAlternatives(text: string | null): readonly ProjectionAlternative[] {
  const asked = new Set((text ?? '').split(',').map((code) => code.trim().toUpperCase()));
  const known = projectionAlternatives.filter((code) => asked.has(code));
  return known.length > 0 ? known : defaultState.alternatives;
}

/** A number within [min, max] rounded to `decimals`, or the fallback for anything else. */
function parseNumber(text: string | null, min: number, max: number, decimals: number, fallback: number): number {
  if (text === null || !/^[+-]?\d+([.,]\d+)?$/.test(text)) return fallback;
  const value = Number(text.replace(',', '.'));
  if (value < min || value > max) return fallback;
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale + 0; // + 0 turns −0 into 0
}

export function parseState(search: URLSearchParams | string): ViewState {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const get = (key: string) => params.get(key)?.trim() || null;
  const place = get(keys.place);
  const metric = get(keys.metric);
  const lang = get(keys.lang);
  const set = get(keys.set);
  const unit = get(keys.unit);
  const breakdown = get(keys.breakdown);
  let from = get(keys.from);
  let to = get(keys.to);
  if (from && !month.test(from)) from = null;
  if (to && !month.test(to)) to = null;
  if (from && to && from > to) [from, to] = [to, from];
  return {
    place: place && code.test(place) ? place : defaultState.place,
    metric: metric && (metricIds as readonly string[]).includes(metric) ? (metric as MetricId) : defaultState.metric,
    from,
    to,
    set: set && code.test(set) ? set : defaultState.set,
    lang: lang && (languages as readonly string[]).includes(lang) ? (lang as Lang) : defaultState.lang,
    unit: unit && code.test(unit) ? unit : defaultState.unit,
    breakdown: breakdown === 'group' || breakdown === 'age' ? breakdown : defaultState.breakdown,
    alternatives: parseAlternatives(get(keys.alternatives)),
    change: parseNumber(get(keys.change), -changeLimit, changeLimit, 1, defaultState.change),
    occupancy: parseNumber(get(keys.occupancy), occupancyRange.min, occupancyRange.max, 0, defaultState.occupancy),
    group: (diagnosisGroups as readonly string[]).includes(get(keys.group) ?? '') ? (get(keys.group) as DiagnosisGroup) : defaultState.group,
  };
}

/** The query string for a state (without `?`): defaults left out, fixed key order, so equal views give equal links. */
export function serializeState(state: ViewState): string {
  const params = new URLSearchParams();
  for (const field of Object.keys(keys) as (keyof typeof keys)[]) {
    const raw = state[field];
    const value = Array.isArray(raw) ? raw.join(',') : raw;
    const fallback = defaultState[field];
    if (value !== null && value !== (Array.isArray(fallback) ? fallback.join(',') : fallback)) params.set(keys[field], String(value));
  }
  return params.toString();
}

/** A link to `path` with the state changed by `patch`. */
export function linkTo(path: string, state: ViewState, patch: Partial<ViewState> = {}): string {
  const query = serializeState({ ...state, ...patch });
  return query ? `${path}?${query}` : path;
}
