// GET /api/projections/:metric's parameters, validated at the edge: formats and ranges by zod (the
// OpenAPI parameters are generated from this schema, api/openapi.ts), then what depends on the data —
// codes, the base period's years, the imported alternatives — against the reference data and what
// the warehouse holds. Every message names the parameter and its limit.
import { z } from 'zod';
import { declarationOf, diagnosisGroups, metricIds, type MetricId } from '../../contract/types.ts';
import { defaultProjectionAlternative, defaultTargetOccupancy, projectionAlternatives } from '../../contract/projections.ts';
import { badRequest } from '../http-error.ts';
import { codeList, requireKnownPlaces } from '../metrics/params.ts';
import type { ReferenceData } from '../reference.ts';
import { baseYearsFor, notProjectedBecause, projectableMetrics, type ProjectionData, type ProjectionQuery } from './engine.ts';

const decimal = /^[-+]?\d{1,3}(\.\d{1,3})?$/;
const numberBetween = (low: number, high: number, what: string) =>
  z
    .string()
    .regex(decimal, `must be a number such as ${low < 0 ? '-1 or 0.5' : '85'}`)
    .transform(Number)
    .refine((value) => value >= low && value <= high, `must be between ${low} and ${high} (${what})`);

/** Longest base period: rates of more years describe the past rather than today. */
export const maxBaseYears = 10;

export const projectionQuerySchema = z.strictObject(
  {
    municipality: codeList('municipality codes or collaboration ids')
      .optional()
      .meta({ description: 'Comma-separated current municipality codes and/or collaboration ids (a collaboration is the sum of its members\' projections). Default: every municipality.' }),
    base: z
      .string()
      .regex(/^\d{4}(-\d{4})?$/, 'must be whole years YYYY-YYYY such as 2022-2024, or one year YYYY')
      .refine((value) => value.length === 4 || value.slice(0, 4) <= value.slice(5), 'the first year must not be after the last')
      .optional()
      .meta({ description: `Base period whose age–sex-specific rates are projected, whole years (default the last three complete years with data; at most ${maxBaseYears} years).` }),
    alternative: z
      .string()
      .regex(/^[A-Za-z0-9]{1,12}(,[A-Za-z0-9]{1,12})*$/, `must be a comma-separated list of SSB alternative codes such as ${projectionAlternatives.join(',')}`)
      .transform((value) => [...new Set(value.split(','))])
      .optional()
      .meta({ description: `SSB projection alternatives, e.g. ${projectionAlternatives.join(',')} (main, low, high); any other imported code by name. Default ${defaultProjectionAlternative}.` }),
    change: numberBetween(-20, 20, 'percent per year').optional().meta({ description: 'Annual change in the age–sex-specific rates from the base year on, percent per year, −20 to 20 (default 0): withChange.' }),
    occupancy: numberBetween(1, 100, 'percent').optional().meta({ description: `Target occupancy for beds needed, percent, 1–100 (default ${defaultTargetOccupancy}); used by metrics counted in nights (kad-bed-days, discharge-ready-days), accepted and echoed for the others so one page can send it with every metric.` }),
    group: z.enum(diagnosisGroups, `must be one of ${diagnosisGroups.join(', ')}`).optional().meta({ description: 'readmissions only: diagnosis group of the index episode.' }),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown parameter(s) ${issue.keys.join(', ')}` : undefined) },
);

export type ProjectionQueryParams = z.infer<typeof projectionQuerySchema>;

export function parseProjectedMetric(value: string): MetricId {
  if (!(metricIds as readonly string[]).includes(value))
    throw badRequest(`metric: unknown metric "${value.slice(0, 40)}". Projected metrics: ${projectableMetrics.join(', ')}.`, 'unknown_metric');
  const refusal = notProjectedBecause(value as MetricId);
  if (refusal) throw badRequest(`metric: ${value} is not projected: ${refusal}.`, 'not_projectable');
  return value as MetricId;
}

/** The complete query: codes checked, base years inside the data, alternatives among those imported. */
export function toProjectionQuery(metric: MetricId, params: ProjectionQueryParams, reference: ReferenceData, data: ProjectionData): ProjectionQuery {
  const spec = declarationOf(metric)!;
  const municipalities = params.municipality ?? [];
  requireKnownPlaces(municipalities, reference.directory);
  if (params.group !== undefined && !(spec.groups as readonly string[]).includes(params.group))
    throw badRequest(`group: applies only to readmissions, not to ${metric}`);

  const years = baseYearsFor(spec, data);
  if (!years) throw badRequest(`base: ${metric} has no complete year of data yet, so there are no rates to project`, 'base_out_of_range');
  const [from, to] = params.base
    ? [Number(params.base.slice(0, 4)), Number(params.base.slice(-4))]
    : [Math.max(years.first, years.lastComplete - 2), years.lastComplete];
  if (from < years.first || to > years.lastComplete)
    throw badRequest(
      `base: ${from}–${to} is outside the complete years of data for ${metric}, ${years.first}–${years.lastComplete}`,
      'base_out_of_range',
    );
  if (to - from + 1 > maxBaseYears) throw badRequest(`base: at most ${maxBaseYears} years (got ${to - from + 1})`, 'base_out_of_range');

  const imported = data.alternatives;
  const known = imported.length > 0 ? imported : [...projectionAlternatives];
  const alternatives = params.alternative ?? (known.includes(defaultProjectionAlternative) ? [defaultProjectionAlternative] : known.slice(0, 1));
  const unknownAlternatives = alternatives.filter((alternative) => !known.includes(alternative));
  if (unknownAlternatives.length > 0)
    throw badRequest(
      `alternative: ${unknownAlternatives.map((a) => `"${a}"`).join(', ')} ${data.vintage ? `is not in SSB's projection ${data.vintage}` : 'is not one of SSB\'s alternatives'}; ` +
        `use ${known.join(', ')}`,
      'unknown_alternative',
    );

  const query: ProjectionQuery = {
    metric,
    municipalities,
    base: { from, to },
    alternatives,
    changePercentPerYear: params.change ?? 0,
    occupancyPercent: params.occupancy ?? defaultTargetOccupancy,
  };
  if (params.group !== undefined) query.group = params.group;
  return query;
}
