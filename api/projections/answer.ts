// GET /api/projections/:metric below HTTP, the way api/metrics/answer.ts answers metrics: validate, look
// in the cache (or ask the engine), protect for the asking user with the one rule
// (api/disclosure/protection.ts), audit, and give the finished JSON body.
// A projection of figures the user may not see exactly is computed from protected base cells and says
// protected: true. A leader's row is exact only where the leader may see its municipality (or every
// member of its collaboration) AND its rates are the municipality's own: a fallback to pooled rates
// rests on other municipalities' counts, so such a row comes from the protected projection.
import type { MetricRow, SessionUser } from '../../contract/types.ts';
import type { ProjectionResponse, ProjectionRow } from '../../contract/projections.ts';
import type { ApiRuntime } from '../runtime.ts';
import { visibilityClass } from '../visibility.ts';
import { protectionFor } from '../disclosure/protection.ts';
import { projectionDataOf, projectMetric, type ProjectionQuery } from './engine.ts';
import { parseProjectedMetric, toProjectionQuery, type ProjectionQueryParams } from './params.ts';

export interface ProjectionAnswer {
  body: Uint8Array;
  /** hit: the finished body; engine: the engine's answers reused; miss: computed. */
  cache: 'hit' | 'engine' | 'miss';
  milliseconds: number;
}

export async function answerProjection(
  runtime: ApiRuntime,
  user: SessionUser,
  metricParameter: string,
  params: ProjectionQueryParams,
): Promise<ProjectionAnswer> {
  const metric = parseProjectedMetric(metricParameter);
  const warehouse = runtime.services.warehouse;
  const [reference, data] = await Promise.all([runtime.reference.get(), projectionDataOf(warehouse)]);
  const query = toProjectionQuery(metric, params, reference, data);
  const started = performance.now();
  const visibility = visibilityClass(user);
  const protection = protectionFor(user, reference);
  let engineCached = true;
  const engine = async (protect: boolean) => {
    const { value, cached } = await runtime.cache.get(protect ? 'projection:protected' : 'projection', query, () =>
      projectMetric(warehouse, query, runtime.metricGate, { protect }),
    );
    engineCached &&= cached;
    return value;
  };
  let rowCount = 0;
  const { value: body, cached } = await runtime.cache.get(`projection:body:${visibility}`, query, async () => {
    let response: ProjectionResponse;
    if (protection.kind === 'exact') response = await engine(false);
    else if (protection.kind === 'protected') response = await engine(true);
    else {
      const exact = await engine(false);
      const isExact = (row: ProjectionRow) => row.rateSource === 'own' && protection.exact(asMetricRow(row));
      response = exact.rows.every(isExact) ? exact : mergeProjections(exact, await engine(true), isExact);
    }
    rowCount = response.rows.length;
    return Buffer.from(JSON.stringify(response));
  });
  await runtime.services.audit(user, {
    action: 'projection',
    target: metric,
    parameters: query satisfies ProjectionQuery,
    outcome: cached ? `cached; ${visibility}` : `${rowCount} rows; ${visibility}`,
  });
  return { body, cache: cached ? 'hit' : engineCached ? 'engine' : 'miss', milliseconds: performance.now() - started };
}

/** The visibility rule reads rows of metric answers: a projection row stands for its municipality. */
const asMetricRow = (row: ProjectionRow): MetricRow => ({
  municipality: row.municipality,
  period: String(row.year),
  numerator: null,
  denominator: null,
  value: null,
  ciLow: null,
  ciHigh: null,
  suppressed: false,
});

const rowKey = (row: ProjectionRow) => `${row.municipality}|${row.alternative}|${row.year}`;

/** Exact rows where isExact holds (all of a municipality's rows together), protected rows elsewhere. */
function mergeProjections(exact: ProjectionResponse, protectedAnswer: ProjectionResponse, isExact: (row: ProjectionRow) => boolean): ProjectionResponse {
  const exactRows = new Map(exact.rows.map((row) => [rowKey(row), row]));
  const exactMunicipalities = new Set(exact.rows.filter(isExact).map((row) => row.municipality));
  const rows = protectedAnswer.rows.map((row) =>
    exactMunicipalities.has(row.municipality) ? (exactRows.get(rowKey(row)) ?? row) : row,
  );
  return { ...protectedAnswer, rows };
}
