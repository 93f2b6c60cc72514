// The common path of GET /api/metrics/:metric and GET /api/compare/:metric: validate, look in the
// cache (or ask the engine), suppress for the asking user, audit, answer JSON or Arrow. The period is
// checked against the data's years before anything runs (api/metrics/bounds.ts).
import type { Context } from 'hono';
import { acceptsArrow, arrowMediaType, metricResponseToArrow } from '../arrow.ts';
import type { AppEnv } from '../env.ts';
import { periodWindow, type PeriodWindow } from '../metrics/bounds.ts';
import { dataThrough, dataYears } from '../metrics/engine.ts';
import { suppressRows } from '../metrics/suppression.ts';
import type { ReferenceData } from '../reference.ts';
import type { ApiRuntime } from '../runtime.ts';
import type { MetricQuery, MetricResponse, MetricRow, PeriodGrain, SessionUser } from '../types.ts';
import { maySeeFor, visibilityClass } from '../visibility.ts';
import { parseMetricId, toMetricQuery, type MetricQueryParams } from './metric-params.ts';

export async function answerMetric<R extends MetricResponse>(
  c: Context<AppEnv>,
  runtime: ApiRuntime,
  route: 'metric' | 'compare',
  params: MetricQueryParams,
  defaultGrain: PeriodGrain,
  compute: (query: MetricQuery) => Promise<R>,
): Promise<Response> {
  const user = c.get('user');
  const metric = parseMetricId(c.req.param('metric') ?? '');
  const [reference, through, window] = await Promise.all([runtime.reference.get(), cachedDataThrough(runtime), cachedPeriodWindow(runtime)]);
  const query = toMetricQuery(metric, params, reference, through, defaultGrain, window);
  const started = performance.now();
  const arrow = acceptsArrow(c.req.header('accept'));
  // Two levels: the engine's unsuppressed answer (shared by every role), and the finished body per
  // visibility class and format, so that a cached answer is sent without suppressing or serialising
  // thousands of rows again.
  const visibility = visibilityClass(user);
  let rowCount = 0;
  let engineCached = false;
  const { value: body, cached } = await runtime.cache.get(`${route}:body:${visibility}:${arrow ? 'arrow' : 'json'}`, query, async () => {
    const { value, cached: reused } = await runtime.cache.get(route, query, () => compute(query));
    engineCached = reused;
    const response = suppressFor(value, user, reference);
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
  // hit: the finished body; engine: the engine's answer reused, suppressed for this user; miss: computed.
  c.header('X-Cache', cached ? 'hit' : engineCached ? 'engine' : 'miss');
  c.header('Server-Timing', `app;dur=${(performance.now() - started).toFixed(1)}`);
  c.header('Content-Type', arrow ? arrowMediaType : 'application/json; charset=UTF-8');
  return c.body(body as Uint8Array<ArrayBuffer>);
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

/**
 * The response with the rows this user may not see suppressed. Where a collaboration's total is shown
 * with some of its members, each period's total and member rows form one table, so that a hidden
 * member cannot be recovered by subtraction (suppression.ts hides a second cell).
 */
export function suppressFor<R extends MetricResponse>(response: R, user: SessionUser, reference: ReferenceData): R {
  const maysee = maySeeFor(user, reference);
  if (!maysee) return response;
  const shownCollaborations = [
    ...new Set(response.rows.map((row) => row.municipality).filter((id) => id && reference.collaborationMembers.has(id))),
  ] as string[];
  const tableOf = (row: MetricRow): string => {
    const area = row.municipality ?? '';
    if (shownCollaborations.includes(area)) return `${row.period}|${area}`;
    const collaboration = shownCollaborations.find((id) => reference.collaborationMembers.get(id)!.includes(area));
    return `${row.period}|${collaboration ?? `alone:${area}`}`;
  };
  const rows = suppressRows(response.rows, {
    maysee,
    share: response.unit === 'percent',
    totalKey:
      shownCollaborations.length > 0
        ? { group: tableOf, isTotal: (row) => shownCollaborations.includes(row.municipality ?? '') }
        : undefined,
  });
  return { ...response, rows };
}
