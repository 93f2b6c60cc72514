// GET /api/municipalities, /api/collaborations and /api/units: the reference lists the dashboard's
// pickers use (current municipalities with population and collaborations; KAD units for occupancy).
import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import type { ApiRuntime } from '../runtime.ts';

export function referenceRoutes(runtime: ApiRuntime) {
  return new Hono<AppEnv>()
    .get('/municipalities', async (c) => {
      const reference = await runtime.reference.get();
      await runtime.services.audit(c.get('user'), { action: 'municipalities', outcome: `${reference.municipalities.length} rows` });
      return c.json(reference.municipalities);
    })
    .get('/collaborations', async (c) => c.json((await runtime.reference.get()).collaborations))
    .get('/units', async (c) => c.json((await runtime.reference.get()).units));
}
