// GET /api/health: no login; says the server is up and how far the data goes, per hospital too.
import { Hono } from 'hono';
import type { Health } from '../../contract/types.ts';
import type { AppEnv } from '../env.ts';
import type { ApiRuntime } from '../runtime.ts';
import { cachedDataThrough } from '../metrics/answer.ts';
import { cachedSourceDataThrough } from '../metrics/data-sources.ts';

export function healthRoutes(runtime: ApiRuntime) {
  return new Hono<AppEnv>().get('/', async (c) => {
    const [dataThrough, sources] = await Promise.all([cachedDataThrough(runtime), cachedSourceDataThrough(runtime)]);
    const health: Health = { status: 'ok', dataThrough, sources, importRunning: runtime.imports.busy };
    return c.json(health);
  });
}
