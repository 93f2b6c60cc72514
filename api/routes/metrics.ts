// GET /api/metrics (the catalogue), GET /api/metrics/:metric and GET /api/compare/:metric.
import { zValidator } from '@hono/zod-validator';
import { Hono, type Context } from 'hono';
import type { PeriodGrain } from '../../contract/types.ts';
import { acceptsArrow } from '../arrow.ts';
import type { AppEnv } from '../env.ts';
import { badRequest, describeIssues } from '../http-error.ts';
import { answerMetric, type MetricAnswer, type MetricRequest } from '../metrics/answer.ts';
import { compareMetric, metricCatalogue, queryMetric } from '../metrics/engine.ts';
import { metricQuerySchema, type MetricQueryParams } from '../metrics/params.ts';
import type { ApiRuntime } from '../runtime.ts';

const validQuery = zValidator('query', metricQuerySchema, (result) => {
  if (!result.success) throw badRequest(describeIssues(result.error), 'invalid_parameter');
});

export function metricRoutes(runtime: ApiRuntime) {
  const warehouse = runtime.services.warehouse;
  return new Hono<AppEnv>()
    .get('/', (c) => c.json(metricCatalogue))
    .get('/:metric', validQuery, async (c) =>
      send(c, await answerMetric(runtime, metricRequest(c, 'metric', c.req.valid('query'), 'month'), (query, options) =>
        queryMetric(warehouse, query, runtime.metricGate, options))),
    );
}

export function compareRoutes(runtime: ApiRuntime) {
  const warehouse = runtime.services.warehouse;
  return new Hono<AppEnv>().get('/:metric', validQuery, async (c) =>
    send(c, await answerMetric(runtime, metricRequest(c, 'compare', c.req.valid('query'), 'total'), (query, options) =>
      compareMetric(warehouse, query, runtime.metricGate, options))),
  );
}

function metricRequest(
  c: Context<AppEnv>,
  route: MetricRequest['route'],
  params: MetricQueryParams,
  defaultGrain: PeriodGrain,
): MetricRequest {
  return { user: c.get('user'), route, metric: c.req.param('metric') ?? '', params, defaultGrain, arrow: acceptsArrow(c.req.header('accept')) };
}

function send(c: Context<AppEnv>, answer: MetricAnswer): Response {
  c.header('X-Cache', answer.cache);
  c.header('Server-Timing', `app;dur=${answer.milliseconds.toFixed(1)}`);
  c.header('Content-Type', answer.contentType);
  return c.body(answer.body as Uint8Array<ArrayBuffer>);
}
