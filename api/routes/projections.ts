// GET /api/projections/:metric: expected use per municipality or collaboration from the base period's
// rates × SSB's projected population (issue 13; the response is contract/projections.ts).
// GET /api/projections/population: the population pyramid, today and a projection year (pyramid.ts);
// registered before /:metric, which would otherwise take "population" for a metric id.
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { badRequest, describeIssues } from '../http-error.ts';
import { answerProjection } from '../projections/answer.ts';
import { projectionQuerySchema } from '../projections/params.ts';
import { answerPyramid, pyramidQuerySchema } from '../projections/pyramid.ts';
import type { ApiRuntime } from '../runtime.ts';

const validQuery = zValidator('query', projectionQuerySchema, (result) => {
  if (!result.success) throw badRequest(describeIssues(result.error), 'invalid_parameter');
});
const validPyramidQuery = zValidator('query', pyramidQuerySchema, (result) => {
  if (!result.success) throw badRequest(describeIssues(result.error), 'invalid_parameter');
});

export function projectionRoutes(runtime: ApiRuntime) {
  return new Hono<AppEnv>()
    .get('/population', validPyramidQuery, async (c) => c.json(await answerPyramid(runtime, c.req.valid('query'))))
    .get('/:metric', validQuery, async (c) => {
      const answer = await answerProjection(runtime, c.get('user'), c.req.param('metric'), c.req.valid('query'));
      c.header('X-Cache', answer.cache);
      c.header('Server-Timing', `app;dur=${answer.milliseconds.toFixed(1)}`);
      c.header('Content-Type', 'application/json; charset=UTF-8');
      return c.body(answer.body as Uint8Array<ArrayBuffer>);
    });
}
