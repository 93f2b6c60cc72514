// The OpenAPI document validates and covers every route of the contract.
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiHarness, type ApiHarness } from './harness.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await apiHarness();
});
afterAll(() => api.close());

it('GET /api/openapi.json needs no login and is a valid OpenAPI 3 document with every route', async () => {
  const response = await api.get('/api/openapi.json');
  expect(response.status).toBe(200);
  const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
  await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
  expect(document.openapi).toMatch(/^3\./);
  expect(Object.keys(document.paths)).toEqual(
    expect.arrayContaining([
      '/api/health',
      '/api/auth/login',
      '/api/municipalities',
      '/api/collaborations',
      '/api/metrics',
      '/api/metrics/{metric}',
      '/api/compare/{metric}',
      '/api/sql',
      '/api/imports',
      '/api/openapi.json',
    ]),
  );
});
