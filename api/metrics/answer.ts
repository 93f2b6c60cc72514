// The common path of GET /api/metrics/:metric and GET /api/compare/:metric, below HTTP: validate, look
// in the cache (or ask the engine), protect for the asking user (api/disclosure/protection.ts), audit,
// and give the finished body as JSON or Arrow bytes. The period is checked against the data's years
// before anything runs (bounds.ts). routes/metrics.ts reads the request and writes the answer's headers.
import { declarationOf, protectedStandardPopulation, type MetricQuery, type MetricResponse, type PeriodGrain, type SessionUser } from '../../contract/types.ts';
import { arrowMediaType, metricResponseToArrow } from '../arrow.ts';
import type { ApiRuntime } from '../runtime.ts';
import { visibilityClass } from '../visibility.ts';
import { periodWindow, type PeriodWindow } from './bounds.ts';
import { dataThrough, dataYears } from './engine.ts';
import { parseMetricId, toMetricQuery, type MetricQueryParams } from './params.ts';
import { checkProtectable, mergeForLeader, needsProtectedRows, protectionFor } from '../disclosure/protection.ts';

export interface MetricRequest {
  user: SessionUser;
  route: 'metric' | 'compare';
  /** The metric id as the client wrote it (checked here). */
  metric: string;
  params: MetricQueryParams;
  defaultGrain: PeriodGrain;
  /** The client asked for Arrow (Accept) rather than JSON. */
  arrow: boolean;
}

export interface MetricAnswer {
  body: Uint8Array;
  contentType: string;
  /** hit: the finished body; engine: the engine's answers reused, protected for this user; miss: computed. */
  cache: 'hit' | 'engine' | 'miss';
  /** Time spent after validation (the Server-Timing header). */
  milliseconds: number;
}

export async function answerMetric<R extends MetricResponse>(
  runtime: ApiRuntime,
  request: MetricRequest,
  compute: (query: MetricQuery, options: { protect: boolean }) => Promise<R>,
): Promise<MetricAnswer> {
  const { user, route, arrow } = request;
  const metric = parseMetricId(request.metric);
  const [reference, through, window] = await Promise.all([runtime.reference.get(), cachedDataThrough(runtime), cachedPeriodWindow(runtime)]);
  const query = toMetricQuery(metric, request.params, reference, through, request.defaultGrain, window);
  const started = performance.now();
  // Two levels: the engine's answers, exact and protected (each shared by every user who gets it), and
  // the finished body per visibility class and format, so that a cached answer is sent without
  // protecting or serialising thousands of rows again. The body key holds the class: one class's
  // answer never reaches another.
  const visibility = visibilityClass(user);
  const protection = protectionFor(user, reference);
  // Protected figures are standardised on the base cells' broad strata; a leader's exact rows use the
  // same standard, so every standardised figure in one answer is comparable with the others.
  if (protection.kind !== 'exact' && query.standardise === 'age-sex') query.standard = protectedStandardPopulation;
  let rowCount = 0;
  let engineCached = true;
  const engine = async (protect: boolean) => {
    const { value, cached } = await runtime.cache.get(protect ? `${route}:protected` : route, query, () => compute(query, { protect }));
    engineCached &&= cached;
    return value;
  };
  const { value: body, cached } = await runtime.cache.get(`${route}:body:${visibility}:${arrow ? 'arrow' : 'json'}`, query, async () => {
    let response: R;
    if (protection.kind === 'protected') {
      checkProtectable(query, declarationOf(metric)!.defaults.age);
      response = await engine(true);
    } else {
      response = await engine(false);
      if (protection.kind === 'mixed' && needsProtectedRows(protection, response.rows)) {
        checkProtectable(query, declarationOf(metric)!.defaults.age);
        response = mergeForLeader(response, await engine(true), protection.exact);
      }
    }
    rowCount = response.rows.length;
    // Bytes, not a string: a cached answer is written to the socket without being encoded again.
    return arrow ? metricResponseToArrow(response) : Buffer.from(JSON.stringify(response));
  });
  await runtime.services.audit(user, {
    action: route,
    target: metric,
    parameters: query,
    outcome: cached ? `cached; ${visibility}` : `${rowCount} rows; ${visibility}`,
  });
  return {
    body,
    contentType: arrow ? arrowMediaType : 'application/json; charset=UTF-8',
    cache: cached ? 'hit' : engineCached ? 'engine' : 'miss',
    milliseconds: performance.now() - started,
  };
}

export function cachedDataThrough(runtime: ApiRuntime): Promise<string | null> {
  return runtime.cache
    .get<string | null>('dataThrough', null, () => dataThrough(runtime.services.warehouse))
    .then((result) => result.value);
}

/** The months a request may ask for, from the years with data (read once per data version). */
export function cachedPeriodWindow(runtime: ApiRuntime): Promise<PeriodWindow> {
  return runtime.cache
    .get('dataYears', null, () => dataYears(runtime.services.warehouse))
    .then((result) => periodWindow(result.value));
}
