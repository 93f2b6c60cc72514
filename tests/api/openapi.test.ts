// The OpenAPI document validates, and documents exactly the operations the app routes: every
// method + path in Hono's own route list (app.routes) under /api is in the document, and every
// documented operation is routed.
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnosisGroups, metricIds, metricParameterNames, periodGrains, serviceAreas } from '../../contract/types.ts';
import { apiHarness, type ApiHarness } from './harness.ts';

let api: ApiHarness;
let document: { openapi: string; paths: Record<string, Record<string, unknown>> };
beforeAll(async () => {
  api = await apiHarness();
  const response = await api.get('/api/openapi.json');
  expect(response.status).toBe(200);
  document = (await response.json()) as typeof document;
});
afterAll(() => api.close());

const httpMethods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Hono's ':id{[0-9]+}' and ':metric' written as OpenAPI's '{id}' and '{metric}'. */
function openApiPath(honoPath: string): string {
  return honoPath.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}');
}

/** "GET /api/metrics/{metric}" for every handler the app routes under /api (middleware, mounted on '…/*', left out). */
function routedOperations(): string[] {
  const operations = api.app.routes
    .filter((route) => route.path.startsWith('/api/') && !route.path.endsWith('*'))
    .map((route) => `${route.method} ${openApiPath(route.path)}`);
  return [...new Set(operations)].sort();
}

function documentedOperations(): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) => Object.keys(item).filter((key) => httpMethods.has(key)).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

it('GET /api/openapi.json needs no login and is a valid OpenAPI 3 document', async () => {
  expect(document.openapi).toMatch(/^3\./);
  await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
});

describe("the document and the app's real route list agree", () => {
  it('the route list is read correctly (a sanity check on the normalisation)', () => {
    const routed = routedOperations();
    // Hand-picked from api/routes/*: a plain route, a ':metric' route and a ':id{[0-9]+}' route.
    expect(routed).toContain('GET /api/health');
    expect(routed).toContain('GET /api/metrics/{metric}');
    expect(routed).toContain('DELETE /api/sql/saved/{id}');
    expect(routed.every((operation) => !operation.includes(':') && !operation.startsWith('ALL '))).toBe(true);
  });

  it('every routed /api operation is documented', () => {
    const documented = new Set(documentedOperations());
    expect(routedOperations().filter((operation) => !documented.has(operation))).toEqual([]);
  });

  it('every documented operation is routed', () => {
    const routed = new Set(routedOperations());
    expect(documentedOperations().filter((operation) => !routed.has(operation))).toEqual([]);
  });

  it('both lists have the 22 operations of the contract on 19 paths', () => {
    // 19 paths (with /api/projections/{metric} and /api/projections/population); three carry two methods (/api/imports
    // GET+POST, /api/sql/saved GET+POST, /api/sql/saved/{id} GET+DELETE): 19 + 3 = 22 operations.
    expect(Object.keys(document.paths)).toHaveLength(19);
    expect(routedOperations()).toEqual(documentedOperations());
    expect(routedOperations()).toHaveLength(22);
  });
});

describe('the metric parameters are generated from the one declaration (contract/metrics.ts via api/metrics/params.ts)', () => {
  type Parameter = { name: string; in: string; description?: string; schema: { enum?: string[]; pattern?: string } };
  const parametersOf = (path: string) => (document.paths[path]!.get as { parameters: Parameter[] }).parameters;

  it('both metric paths list the path id and exactly the catalogue parameter names', () => {
    for (const path of ['/api/metrics/{metric}', '/api/compare/{metric}']) {
      const parameters = parametersOf(path);
      expect(parameters[0]).toMatchObject({ name: 'metric', in: 'path', schema: { enum: [...metricIds] } });
      expect(parameters.slice(1).map((p) => p.name)).toEqual([...metricParameterNames]);
      expect(parameters.slice(1).every((p) => p.in === 'query' && (p.description ?? '').length > 10)).toBe(true);
    }
  });

  it('the allowed values are the catalogue lists, and who takes a parameter is said', () => {
    const byName = new Map(parametersOf('/api/metrics/{metric}').map((p) => [p.name, p]));
    expect(byName.get('by')!.schema.enum).toEqual([...periodGrains]);
    expect(byName.get('area')!.schema.enum).toEqual([...serviceAreas]);
    expect(byName.get('group')!.schema.enum).toEqual([...diagnosisGroups]);
    expect(byName.get('from')!.schema.pattern).toBe('^\\d{4}-(0[1-9]|1[0-2])$');
    // group is taken by the two readmission metrics alone; unit by kad-occupancy alone (contract/metrics.ts).
    expect(byName.get('group')!.description).toMatch(/Only for readmissions, readmissions-national\.$/);
    expect(byName.get('unit')!.description).toMatch(/Only for kad-occupancy\.$/);
  });
});
