// The OpenAPI 3.0 document served at GET /api/openapi.json (validated by tests/api/openapi.test.ts).
import { z } from 'zod';
import { pyramidAgeGroups } from '../contract/projections.ts';
import { diagnosisGroups, extractKinds, metricIds, metricParameterNames, periodGrains, serviceAreas, standardPopulations } from '../contract/types.ts';
import { metricQuerySchema } from './metrics/params.ts';
import { projectableMetrics } from './projections/engine.ts';
import { projectionQuerySchema } from './projections/params.ts';
import { pyramidQuerySchema } from './projections/pyramid.ts';

const json = (schema: object) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({ description, content: json(ref('Error')) });
const errors = {
  '400': error('A parameter is wrong; the message names it.'),
  '401': error('Not logged in, or the session expired or was revoked.'),
  '403': error('The role may not do this.'),
};
// The metric parameters are generated from the zod schema the routes validate with (one declaration:
// api/metrics/params.ts over contract/metrics.ts), so the document cannot drift from the checks.
const generated = z.toJSONSchema(metricQuerySchema, { target: 'openapi-3.0', io: 'input' }) as {
  properties: Record<string, { description?: string } & Record<string, unknown>>;
};
const metricParameters = [
  { name: 'metric', in: 'path', required: true, schema: { type: 'string', enum: metricIds } },
  ...Object.entries(generated.properties).map(([name, { description, ...schema }]) => ({ name, in: 'query', required: false, description, schema })),
];
// The projection parameters likewise, from the projection route's zod schema (api/projections/params.ts).
const projectionGenerated = z.toJSONSchema(projectionQuerySchema, { target: 'openapi-3.0', io: 'input' }) as typeof generated;
const projectionParameters = [
  { name: 'metric', in: 'path', required: true, schema: { type: 'string', enum: projectableMetrics } },
  ...Object.entries(projectionGenerated.properties).map(([name, { description, ...schema }]) => ({ name, in: 'query', required: false, description, schema })),
];
const pyramidGenerated = z.toJSONSchema(pyramidQuerySchema, { target: 'openapi-3.0', io: 'input' }) as typeof generated & { required?: string[] };
const pyramidParameters = Object.entries(pyramidGenerated.properties).map(([name, { description, ...schema }]) => ({
  name,
  in: 'query',
  required: (pyramidGenerated.required ?? []).includes(name),
  description,
  schema,
}));
const nullableNumber = { type: 'number', nullable: true };
// An uncached metric answer runs under a time limit and a concurrency cap (api/metrics/bounds.ts).
const metricErrors = {
  ...errors,
  '503': error('Busy: the uncached query waited too long for a turn (STYRINGSDATA_METRIC_CONCURRENCY at a time); see Retry-After.'),
  '504': error('The query ran past the time limit (STYRINGSDATA_METRIC_TIMEOUT_MS, default 15 s) and was stopped; narrow the request.'),
};
const arrow = { 'application/vnd.apache.arrow.stream': { schema: { type: 'string', format: 'binary' } } };

export const openApiDocument = {
  openapi: '3.0.3',
  info: {
    title: 'Styringsdata API',
    version: '1.0.0',
    description:
      'Steering data for Norwegian municipalities. Log in with POST /api/auth/login; send the session cookie or `Authorization: Bearer <token>`. Errors are `{"error":{"code","message"}}`. ' +
      'Every POST/DELETE sent with the session cookie (and the login) must be `Content-Type: application/json` (multipart/form-data for uploads) and come from this server\'s own pages (Origin / Sec-Fetch-Site), else 403 `csrf`; Bearer requests are not checked. ' +
      'Bodies are limited before they are read (login 4 KB, /api/sql 1 MB, other JSON 256 KB, uploads 2 GB), else 413 `too_large`. See docs/security.md.',
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }, { cookie: [] }],
  paths: {
    '/api/health': {
      get: { summary: 'Liveness and how far the data goes', security: [], responses: { '200': { description: 'Up', content: json(ref('Health')) } } },
    },
    '/api/auth/login': {
      post: {
        summary: 'Log in; sets an HttpOnly, SameSite=Strict session cookie',
        security: [],
        requestBody: { required: true, content: json(ref('Credentials')) },
        responses: {
          '200': { description: 'Logged in', content: json(ref('Login')) },
          '400': error('Username or password missing.'),
          '401': error('Wrong username or password.'),
          '429': error('Too many failed logins; see Retry-After.'),
        },
      },
    },
    '/api/auth/logout': {
      post: { summary: 'End (revoke) the session', responses: { '200': { description: 'Logged out', content: json({ type: 'object' }) }, '401': errors['401'] } },
    },
    '/api/auth/me': {
      get: { summary: 'The logged-in user', responses: { '200': { description: 'User', content: json({ type: 'object', properties: { user: ref('User') } }) }, '401': errors['401'] } },
    },
    '/api/municipalities': {
      get: { summary: 'Current municipalities with population and collaborations', responses: { '200': { description: 'List', content: json({ type: 'array', items: ref('Municipality') }) }, '401': errors['401'] } },
    },
    '/api/collaborations': {
      get: { summary: 'Collaborations and their members', responses: { '200': { description: 'List', content: json({ type: 'array', items: ref('Collaboration') }) }, '401': errors['401'] } },
    },
    '/api/units': {
      get: { summary: 'KAD/ØHD units (for kad-occupancy)', responses: { '200': { description: 'List', content: json({ type: 'array', items: ref('Unit') }) }, '401': errors['401'] } },
    },
    '/api/metrics': {
      get: { summary: 'The metric catalogue', responses: { '200': { description: 'Catalogue', content: json({ type: 'array', items: ref('MetricInfo') }) }, '401': errors['401'] } },
    },
    '/api/metrics/{metric}': {
      get: {
        summary: 'A metric per municipality (or collaboration, or unit) and period',
        parameters: metricParameters,
        responses: { '200': { description: 'Rows; small counts suppressed by role', content: { ...json(ref('MetricResponse')), ...arrow } }, ...metricErrors },
      },
    },
    '/api/compare/{metric}': {
      get: {
        summary: 'Municipalities compared: rows, funnel limits, variation',
        parameters: metricParameters,
        responses: { '200': { description: 'Comparison', content: { ...json(ref('CompareResponse')), ...arrow } }, ...metricErrors },
      },
    },
    '/api/projections/{metric}': {
      get: {
        summary: 'Projected use per municipality or collaboration: base-period age–sex rates × SSB projected population, with an annual change, beds and cost',
        parameters: projectionParameters,
        responses: {
          '200': { description: 'Rows per municipality, alternative and year; protected: true where computed from protected figures', content: json(ref('ProjectionResponse')) },
          ...metricErrors,
        },
      },
    },
    '/api/projections/population': {
      get: {
        summary: 'Population by sex and 5-year age group (0-4 … 85-89, 90+): registered today (latest year) and SSB-projected for one year and alternative; public statistics, no disclosure control',
        parameters: pyramidParameters,
        responses: { '200': { description: 'Two pyramids per place', content: json(ref('PopulationPyramidResponse')) }, ...metricErrors },
      },
    },
    '/api/sql': {
      post: {
        summary: 'Run one read-only SQL statement (analyst, admin)',
        requestBody: { required: true, content: json(ref('SqlRequest')) },
        responses: {
          '200': {
            description: 'JSON rows or the file format',
            content: {
              ...json({ type: 'object', properties: { columns: { type: 'array', items: { type: 'object' } }, rows: { type: 'array', items: {} }, truncated: { type: 'boolean' } } }),
              'text/csv': { schema: { type: 'string' } },
              ...arrow,
              'application/vnd.apache.parquet': { schema: { type: 'string', format: 'binary' } },
            },
          },
          ...errors,
        },
      },
    },
    '/api/sql/schema': {
      get: {
        summary: 'What analyst SQL may query: tables and views with columns, types and comments, and the analyst macros (analyst, admin)',
        responses: { '200': { description: 'Schema', content: json({ type: 'object', properties: { tables: { type: 'array', items: { type: 'object' } }, macros: { type: 'array', items: { type: 'object' } } } }) }, ...errors },
      },
    },
    '/api/sql/saved': {
      get: { summary: 'Saved SQL queries: own and shared (analyst, admin)', responses: { '200': { description: 'Queries', content: json({ type: 'object', properties: { queries: { type: 'array', items: ref('SavedQuery') } } }) }, ...errors } },
      post: {
        summary: 'Save a SQL query (analyst, admin)',
        requestBody: { required: true, content: json({ type: 'object', required: ['title', 'sql'], properties: { title: { type: 'string' }, sql: { type: 'string' }, shared: { type: 'boolean' } } }) },
        responses: { '201': { description: 'Saved', content: json(ref('SavedQuery')) }, ...errors },
      },
    },
    '/api/sql/saved/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
      get: { summary: 'One saved query (own or shared)', responses: { '200': { description: 'Query', content: json(ref('SavedQuery')) }, ...errors } },
      delete: { summary: 'Delete an own saved query', responses: { '204': { description: 'Deleted' }, ...errors } },
    },
    '/api/imports': {
      get: { summary: 'The import log, newest first (admin)', responses: { '200': { description: 'Log', content: json({ type: 'array', items: ref('ImportLogEntry') }) }, '401': errors['401'], '403': errors['403'] } },
      post: {
        summary: 'Upload extracts (admin); the same summary as `npm run import -- --json`',
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['file'],
                properties: {
                  file: { type: 'array', items: { type: 'string', format: 'binary' } },
                  acceptRejects: { type: 'string', enum: ['true', 'false'] },
                  vintage: { type: 'string', pattern: '^\\d{4}$', description: "SSB population projections: the projection round, when the file's own date or name does not give it" },
                },
              },
            },
          },
        },
        responses: { '200': { description: 'Summary (a rejected file is reported in the body)', content: json(ref('ImportSummary')) }, ...errors, '413': error('The upload is too large.') },
      },
    },
    '/api/imports/{id}/errors': {
      get: {
        summary: 'Rejected rows of one import (admin)',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: { '200': { description: 'Rows', content: json({ type: 'array', items: ref('ImportError') }) }, ...errors, '404': error('No such import.') },
      },
    },
    '/api/openapi.json': {
      get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.0', content: json({ type: 'object' }) } } },
    },
  },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer' },
      cookie: { type: 'apiKey', in: 'cookie', name: 'styringsdata_session' },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
      },
      Health: {
        type: 'object',
        properties: {
          status: { type: 'string', enum: ['ok'] },
          dataThrough: { type: 'string', nullable: true },
          sources: {
            type: 'array',
            description: "Each hospital's (behandlingssted's) own data through; readmission follow-up needs all of them.",
            items: { type: 'object', properties: { source: { type: 'string' }, dataThrough: { type: 'string', format: 'date' } } },
          },
        },
      },
      Credentials: { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } },
      User: {
        type: 'object',
        properties: { username: { type: 'string' }, role: { type: 'string', enum: ['admin', 'analyst', 'leader', 'viewer'] }, municipalities: { type: 'array', items: { type: 'string' } } },
      },
      Login: { type: 'object', properties: { token: { type: 'string' }, user: ref('User'), expiresAt: { type: 'string', format: 'date-time' } } },
      Municipality: {
        type: 'object',
        properties: {
          code: { type: 'string' },
          name: { type: 'string' },
          county: { type: 'string', nullable: true },
          population: { type: 'integer', nullable: true },
          populationYear: { type: 'integer', nullable: true },
          collaborations: { type: 'array', items: { type: 'string' } },
        },
      },
      Collaboration: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, municipalities: { type: 'array', items: { type: 'string' } } } },
      Unit: {
        type: 'object',
        properties: { unit: { type: 'string' }, name: { type: 'string' }, hostMunicipality: { type: 'string' }, municipalities: { type: 'array', items: { type: 'string' } } },
      },
      MetricInfo: {
        type: 'object',
        description: 'A catalogue entry (contract/metrics.ts) with its definition in words.',
        properties: {
          id: { type: 'string', enum: metricIds },
          title: { type: 'object', properties: { nb: { type: 'string' }, en: { type: 'string' } } },
          unit: { type: 'string', enum: ['percent', 'per-1000-per-year', 'nights-per-stay'] },
          kind: { type: 'string', enum: ['rate', 'share', 'mean', 'occupancy'] },
          perUnit: { type: 'boolean', description: 'Rows per KAD unit (unit=) rather than per municipality.' },
          parameters: { type: 'array', description: 'The query parameters the metric takes.', items: { type: 'string', enum: metricParameterNames } },
          grains: { type: 'array', items: { type: 'string', enum: periodGrains } },
          areas: { type: 'array', items: { type: 'string', enum: serviceAreas } },
          groups: { type: 'array', items: { type: 'string', enum: [...diagnosisGroups] } },
          defaults: { type: 'object', properties: { age: { type: 'string' }, area: { type: 'string', enum: serviceAreas } } },
          followUpDays: { type: 'integer', description: 'Days after a month ends before its figures are final.' },
          countsNights: { type: 'boolean', description: 'Counts nights (not independent events): compared without a funnel.' },
          unitOccupancy: { type: 'string', enum: metricIds, description: 'The per-unit occupancy metric whose bed-days these nights are (kad-bed-days: kad-occupancy).' },
          ageBands: { type: 'array', items: { type: 'string' } },
          definition: { type: 'object', description: 'The definition in words (the opening comment of the metric SQL file).', properties: { nb: { type: 'string' }, en: { type: 'string' } } },
        },
      },
      MetricRow: {
        type: 'object',
        required: ['period', 'numerator', 'denominator', 'value', 'ciLow', 'ciHigh', 'suppressed'],
        properties: {
          municipality: { type: 'string' },
          unit: { type: 'string' },
          period: { type: 'string', description: '2024-01, 2024-Q1, 2024 or total' },
          numerator: nullableNumber,
          denominator: nullableNumber,
          value: nullableNumber,
          ciLow: nullableNumber,
          ciHigh: nullableNumber,
          suppressed: { type: 'boolean' },
          standardised: nullableNumber,
          standardisedCiLow: nullableNumber,
          standardisedCiHigh: nullableNumber,
          stays: nullableNumber,
          patients: nullableNumber,
          costNok: { ...nullableNumber, description: 'discharge-ready-days: nights × the daily rate of each night\'s year; null when a year of the period has no rate (missingRateYears).' },
          dailyRateNok: { ...nullableNumber, description: 'discharge-ready-days: the daily rate (NOK) when the period lies in one year and it has one; else null.' },
          dailyRates: {
            type: 'array',
            description: 'discharge-ready-days: every year of the period with a daily rate, and the rate (NOK).',
            items: { type: 'object', required: ['year', 'nok'], properties: { year: { type: 'integer' }, nok: { type: 'number' } } },
          },
          missingRateYears: { type: 'array', items: { type: 'integer' }, description: 'discharge-ready-days: years of the period without a daily rate (an admin adds them: npm run rates).' },
          expected: { ...nullableNumber, description: 'Compare only: the expected count under the funnel model (rates: indirect age–sex standardisation on the compared set; shares: denominator × pooled share); null without a funnel.' },
        },
      },
      MetricResponse: {
        type: 'object',
        properties: {
          metric: { type: 'string', enum: metricIds },
          unit: { type: 'string' },
          by: { type: 'string', enum: periodGrains },
          from: { type: 'string' },
          to: { type: 'string' },
          dataThrough: { type: 'string', nullable: true },
          standard: { type: 'string', enum: [...standardPopulations], description: 'The standard population of the standardised figures (standardise=age-sex on a rate); esp2013-broad whenever the asking user gets protected figures.' },
          rows: { type: 'array', items: ref('MetricRow') },
        },
      },
      CompareResponse: {
        allOf: [
          ref('MetricResponse'),
          {
            type: 'object',
            properties: {
              overall: nullableNumber,
              funnel: {
                type: 'array',
                description:
                  'Exact 95 % and 99.8 % limits, interpolated between whole counts: for shares binomial around the pooled share at each denominator; for rates in SMR units (exact Poisson limits ÷ E around 1) at each expected count E (denominator = E). Widened by √φ when overdispersion.used; none for means and nights.',
                items: {
                  type: 'object',
                  properties: { denominator: { type: 'number' }, lower95: { type: 'number' }, upper95: { type: 'number' }, lower998: { type: 'number' }, upper998: { type: 'number' } },
                },
              },
              outliers: {
                type: 'array',
                items: { type: 'string' },
                description: 'Rows whose count is improbable at 99.8 % by the exact two-sided test (tail probability below 0.001), i.e. outside the 99.8 % funnel limits.',
              },
              variation: { type: 'object', properties: { maxMinRatio: nullableNumber, cv: nullableNumber, scv: nullableNumber } },
              funnelMethod: {
                type: 'string',
                enum: ['smr-poisson', 'share-binomial', 'none'],
                description: 'smr-poisson: rates as observed ÷ expected (x = expected count), exact Poisson limits around 1; share-binomial: exact binomial limits around the pooled share; none: no funnel (nights, means; see funnelNote).',
              },
              funnelNote: { type: 'string', nullable: true },
              overdispersion: {
                type: 'object',
                description: 'φ from z-scores winsorised at 10 %/90 % (Spiegelhalter 2005), from 10 or more units; used: φ > 1 and the limits were widened by √φ.',
                properties: { phi: nullableNumber, used: { type: 'boolean' } },
              },
            },
          },
        ],
      },
      ProjectionRow: {
        type: 'object',
        required: ['municipality', 'alternative', 'year', 'population', 'demography', 'withChange', 'rateSource'],
        properties: {
          municipality: { type: 'string' },
          alternative: { type: 'string' },
          year: { type: 'integer', description: 'The base year (registered population) or a projection year.' },
          population: { type: 'number' },
          demography: { type: 'number', description: 'Expected events (nights) per year at the base rates.' },
          withChange: { type: 'number', description: 'demography × (1 + change/100)^(year − base year).' },
          bedsDemography: nullableNumber,
          bedsWithChange: nullableNumber,
          costNok: nullableNumber,
          costWithChangeNok: nullableNumber,
          indexEpisodes: nullableNumber,
          indexEpisodesWithChange: nullableNumber,
          patients: { ...nullableNumber, description: 'readmissions with group=: expected distinct patients per year with at least one episode (acute or planned) whose main diagnosis is in the group.' },
          patientsWithChange: nullableNumber,
          rateSource: { type: 'string', enum: ['own', 'collaboration', 'all'], description: 'own, or (fewer than 20 events / 100 nights in the base period) the collaboration\'s or every municipality\'s pooled rates.' },
          protected: { type: 'boolean' },
        },
      },
      ProjectionResponse: {
        type: 'object',
        properties: {
          metric: { type: 'string', enum: projectableMetrics },
          measure: { type: 'string', enum: ['events', 'nights'] },
          base: { type: 'object', properties: { from: { type: 'integer' }, to: { type: 'integer' } } },
          vintage: { type: 'string', nullable: true },
          alternatives: { type: 'array', items: { type: 'string' } },
          changePercentPerYear: { type: 'number' },
          occupancyPercent: { type: 'number' },
          group: { type: 'string' },
          dailyRate: { type: 'object', nullable: true, properties: { year: { type: 'integer' }, nok: { type: 'number' } } },
          rows: { type: 'array', items: ref('ProjectionRow') },
        },
      },
      PyramidYear: {
        type: 'object',
        required: ['year', 'rows'],
        properties: {
          year: { type: 'integer' },
          rows: {
            type: 'array',
            description: 'Every place × sex × age group, zeros included.',
            items: {
              type: 'object',
              required: ['municipality', 'sex', 'ageGroup', 'persons'],
              properties: {
                municipality: { type: 'string' },
                sex: { type: 'string', enum: ['M', 'K'] },
                ageGroup: { type: 'string', enum: [...pyramidAgeGroups] },
                persons: { type: 'number', description: 'Persons on 1 January; bands and SSB\'s 105+ spread evenly over single ages first.' },
              },
            },
          },
        },
      },
      PopulationPyramidResponse: {
        type: 'object',
        properties: {
          municipalities: { type: 'array', items: { type: 'string' } },
          alternative: { type: 'string' },
          vintage: { type: 'string', nullable: true },
          today: { allOf: [ref('PyramidYear')], nullable: true, description: 'The latest year of registered population; null before any.' },
          projected: { allOf: [ref('PyramidYear')], nullable: true, description: 'The asked projection year; null when no projection is imported.' },
        },
      },
      SqlRequest: {
        type: 'object',
        required: ['sql'],
        properties: {
          sql: { type: 'string' },
          format: { type: 'string', enum: ['json', 'csv', 'arrow', 'parquet'] },
          limit: { type: 'integer', description: 'Row cap (default 10000, at most 5000000); more rows give truncated: true' },
          timeoutMs: { type: 'integer', description: 'A shorter time limit than the server’s 30 s' },
          explain: { type: 'boolean', description: 'Answer the plan (EXPLAIN of the checked query) instead of rows; typed EXPLAIN is refused' },
          filename: { type: 'string', description: 'Download name without extension (æøå kept via filename*)' },
          csv: { type: 'object', properties: { delimiter: { type: 'string', enum: [',', ';', '\t'] }, bom: { type: 'boolean' }, decimalComma: { type: 'boolean' } } },
        },
      },
      SavedQuery: {
        type: 'object',
        properties: { id: { type: 'integer' }, username: { type: 'string' }, title: { type: 'string' }, sql: { type: 'string' }, shared: { type: 'boolean' }, createdAt: { type: 'string' } },
      },
      ImportError: { type: 'object', properties: { line: { type: 'integer', nullable: true }, column: { type: 'string', nullable: true }, message: { type: 'string' } } },
      FileImportResult: {
        type: 'object',
        properties: {
          file: { type: 'string' },
          kind: { type: 'string', nullable: true, enum: [...extractKinds, null] },
          status: { type: 'string', enum: ['imported', 'unchanged', 'rejected'] },
          rowsRead: { type: 'integer' },
          rowsImported: { type: 'integer' },
          rowsRejected: { type: 'integer' },
          errors: { type: 'array', items: ref('ImportError') },
          warnings: { type: 'array', items: { type: 'string' } },
          importId: { type: 'integer', nullable: true },
        },
      },
      ImportSummary: { type: 'object', properties: { files: { type: 'array', items: ref('FileImportResult') } } },
      ImportLogEntry: {
        type: 'object',
        properties: {
          importId: { type: 'integer' },
          file: { type: 'string' },
          kind: { type: 'string', nullable: true },
          status: { type: 'string' },
          rowsRead: { type: 'integer' },
          rowsImported: { type: 'integer' },
          rowsRejected: { type: 'integer' },
          importedBy: { type: 'string' },
          startedAt: { type: 'string' },
          finishedAt: { type: 'string' },
          message: { type: 'string', nullable: true },
        },
      },
    },
  },
} as const;

// Every state-changing operation can also meet the edge's refusals (api/edge/*): say so once here.
for (const operations of Object.values(openApiDocument.paths) as Record<string, { responses: Record<string, unknown> }>[])
  for (const [method, operation] of Object.entries(operations))
    if (['post', 'put', 'patch', 'delete'].includes(method)) {
      operation.responses['403'] ??= error('The role may not do this, or `csrf`: a cookie request that is not same-origin JSON.');
      operation.responses['413'] ??= error('The body is larger than this route accepts (`too_large`).');
    }
