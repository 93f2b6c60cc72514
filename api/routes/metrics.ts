// GET /api/metrics (the catalogue), GET /api/metrics/:metric and GET /api/compare/:metric.
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { badRequest } from '../http-error.ts';
import { compareMetric, metricCatalogue, queryMetric } from '../metrics/engine.ts';
import type { ApiRuntime } from '../runtime.ts';
import { answerMetric } from './metric-answer.ts';
import { describeIssues, metricQuerySchema } from './metric-params.ts';

const validQuery = zValidator('query', metricQuerySchema, (result) => {
  if (!result.success) throw badRequest(describeIssues(result.error), 'invalid_parameter');
});

export function metricRoutes(runtime: ApiRuntime) {
  const warehouse = runtime.services.warehouse;
  return new Hono<AppEnv>()
    .get('/', (c) => c.json(metricCatalogue))
    .get('/:metric', validQuery, (c) =>
      answerMetric(c, runtime, 'metric', c.req.valid('query'), 'month', (query) => queryMetric(warehouse, query, runtime.metricGate)),
    );
}

export function compareRoutes(runtime: ApiRuntime) {
  const warehouse = runtime.services.warehouse;
  return new Hono<AppEnv>().get('/:metric', validQuery, (c) =>
    answerMetric(c, runtime, 'compare', c.req.valid('query'), 'total', (query) => compareMetric(warehouse, query, runtime.metricGate)),
  );
}
