// GET /api/health: no login; says the server is up and how far the data goes.
import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import type { ApiRuntime } from '../runtime.ts';
import { cachedDataThrough } from '../metrics/answer.ts';

export function healthRoutes(runtime: ApiRuntime) {
  return new Hono<AppEnv>().get('/', async (c) =>
    c.json({ status: 'ok', dataThrough: await cachedDataThrough(runtime), importRunning: runtime.imports.busy }),
  );
}
