// The metric and compare routes' parameters, validated at the edge. Formats are checked by zod; codes
// that must exist (municipality, collaboration, unit) are checked against the reference data. Every
// message names the parameter and says what is wrong, so a value that looks like SQL injection gets
// the same 400 as a typo and never reaches a query.
import { z } from 'zod';
import {
  declarationOf,
  diagnosisGroups,
  metricIds,
  metricParameterNames,
  metricsTaking,
  periodGrains,
  serviceAreas,
  sexes,
  standardisations,
  standardPopulations,
  defaultStandardPopulation,
  type MetricId,
  type MetricParameter,
  type MetricQuery,
  type PeriodGrain,
} from '../../contract/types.ts';
import { badRequest } from '../http-error.ts';
import type { ReferenceData } from '../reference.ts';
import { intoWindow, periodOutsideWindow, type PeriodWindow } from './bounds.ts';
import type { TargetDirectory } from './targets.ts';

const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month written YYYY-MM with the month 01–12, e.g. 2024-01');

/** A comma-separated list of ids, each once (municipality=, unit=; the projections' routes too). */
export const codeList = (what: string, whenMissing?: string) =>
  z
    .string(whenMissing ? { error: (issue) => (issue.input === undefined ? whenMissing : undefined) } : undefined)
    .regex(/^[A-Za-z0-9_-]+(,[A-Za-z0-9_-]+)*$/, `must be a comma-separated list of ${what}`)
    .transform((value) => [...new Set(value.split(','))]);

const age = z
  .string()
  .regex(/^(all|67\+|80\+|\d{1,3}-\d{1,3})$/, 'must be all, 67+, 80+ or a range a-b such as 70-79')
  .refine((value) => {
    const range = /^(\d+)-(\d+)$/.exec(value);
    return !range || (Number(range[1]) <= Number(range[2]) && Number(range[2]) <= 120);
  }, 'must be a range a-b with a ≤ b ≤ 120');

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, `must be ${values.slice(0, -1).join(', ')} or ${values.at(-1)}`);

/** Who takes a parameter, for its documentation: "(readmissions only)" or nothing when every metric does. */
const takenBy = (parameter: MetricParameter) => {
  const metrics = metricsTaking(parameter);
  return metrics.length === metricIds.length ? '' : ` Only for ${metrics.join(', ')}.`;
};

/** Every metric query parameter: its format, allowed values (from contract/metrics.ts) and the words
 *  the OpenAPI document shows (generated from this schema, api/openapi.ts). */
const parameterSchemas = {
  municipality: codeList('municipality codes or collaboration ids').meta({
    description: 'Comma-separated current municipality codes and/or collaboration ids (a collaboration gives one row for all its members). Default: every municipality.',
  }),
  unit: codeList('KAD unit ids').meta({ description: 'Comma-separated KAD unit ids (default every unit).' }),
  from: month.meta({
    description: 'First month, YYYY-MM (default January two years before `to`). At the earliest January three years before the first year with stays (2000-01 while none are imported); earlier is 400 `period_out_of_range`, never clamped.',
  }),
  to: month.meta({
    description: 'Last month, YYYY-MM (default the last month with data). At the latest December of the year after the last year with data; later is 400 `period_out_of_range`.',
  }),
  by: oneOf(periodGrains).meta({
    description: 'Period grain (default month; total for compare; day, period YYYY-MM-DD, only where the metric has it). An answer has at most 50 000 cells (municipalities or units × periods, STYRINGSDATA_METRIC_MAX_CELLS); more is 400 `too_many_cells`: ask for fewer targets, a shorter period or a coarser grain.',
  }),
  age: age.meta({ description: 'all, 67+, 80+ or a-b (default 67+ for readmissions, all otherwise).' }),
  sex: oneOf(sexes).meta({ description: 'all, M or K.' }),
  group: oneOf(diagnosisGroups).meta({ description: 'Diagnosis group of the index episode (default: every diagnosis for readmissions, the eleven groups, elleve, for readmissions-national).' }),
  area: oneOf(serviceAreas).meta({ description: 'Service area (default somatikk for readmissions, all otherwise).' }),
  standardise: oneOf(standardisations).meta({ description: 'Age–sex standardisation (direct, to the standard population `standard`).' }),
  standard: oneOf(standardPopulations).meta({ description: `Standard population for standardise=age-sex (default ${defaultStandardPopulation}); fixed reference data, never derived from imported population.` }),
} satisfies Record<MetricParameter, z.ZodType>;

export const metricQuerySchema = z
  .strictObject(
    Object.fromEntries(
      metricParameterNames.map((name) => {
        const schema = parameterSchemas[name];
        return [name, schema.optional().meta({ description: `${schema.meta()?.description ?? ''}${takenBy(name)}` })];
      }),
    ) as { [K in MetricParameter]: z.ZodOptional<(typeof parameterSchemas)[K]> },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown parameter(s) ${issue.keys.join(', ')}` : undefined) },
  )
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'to must not be before from', path: ['to'] });

export type MetricQueryParams = z.infer<typeof metricQuerySchema>;

export function parseMetricId(value: string): MetricId {
  if (!(metricIds as readonly string[]).includes(value))
    throw badRequest(`Unknown metric "${truncate(value)}". Known metrics: ${metricIds.join(', ')}.`, 'unknown_metric');
  return value as MetricId;
}

/**
 * Completes validated parameters into a MetricQuery: checks codes against the reference data, rejects
 * parameters that do not apply to the metric and fills the defaults (to = the last month with data,
 * from = January two years before to). A from or to outside `window` (the years with data, see
 * api/metrics/bounds.ts) is refused, never clamped; only the defaults are placed inside it.
 */
export function toMetricQuery(
  metric: MetricId,
  params: MetricQueryParams,
  reference: ReferenceData,
  dataThrough: string | null,
  defaultGrain: PeriodGrain,
  window: PeriodWindow,
): MetricQuery {
  const municipalities = params.municipality ?? [];
  requireKnownPlaces(municipalities, reference.directory);
  const declaration = declarationOf(metric)!;
  for (const name of metricParameterNames)
    if (params[name] !== undefined && !(declaration.parameters as readonly string[]).includes(name))
      throw badRequest(`${name}: applies only to ${metricsTaking(name).join(', ')}, not to ${metric}${declaration.perUnit ? ` (${metric} is per unit: use unit=<unit id>)` : ''}`);
  const unknownUnits = (params.unit ?? []).filter((unit) => !reference.directory.units.includes(unit));
  if (unknownUnits.length > 0)
    throw badRequest(`unit: unknown KAD unit ${unknownUnits.map((u) => `"${truncate(u)}"`).join(', ')}`, 'unknown_unit');
  if (params.by && !(declaration.grains as readonly string[]).includes(params.by))
    throw badRequest(`by: by=${params.by} is only available for ${metricIds.filter((id) => (declarationOf(id)!.grains as readonly string[]).includes(params.by!)).join(', ')}; use ${declaration.grains.join(', ')} for ${metric}`);

  const to = params.to ?? intoWindow(dataThrough?.slice(0, 7) ?? new Date().toISOString().slice(0, 7), window);
  const from = params.from ?? intoWindow(`${Number(to.slice(0, 4)) - 2}-01`, window);
  if (from > to) throw badRequest(`from: ${from} is after to (${to}); give a from before ${to}`);
  const outside = periodOutsideWindow(from, to, window);
  if (outside) throw badRequest(outside, 'period_out_of_range');
  const query: MetricQuery = {
    metric,
    municipalities,
    from,
    to,
    by: params.by ?? defaultGrain,
    sex: params.sex ?? 'all',
    standardise: params.standardise ?? 'none',
  };
  if (declaration.perUnit) query.units = params.unit ?? [];
  if (params.age) query.age = params.age;
  if (params.group) query.group = params.group;
  if (params.area) query.area = params.area;
  if (params.standard) query.standard = params.standard;
  return query;
}

/** Every code a current or historical municipality code or a collaboration id, else a 400 naming the unknown ones. */
export function requireKnownPlaces(codes: readonly string[], directory: TargetDirectory): void {
  const unknown = codes.filter((code) => !directory.countedUnder.has(code) && !directory.members.has(code));
  if (unknown.length > 0)
    throw badRequest(
      `municipality: unknown municipality code or collaboration id ${unknown.map((u) => `"${truncate(u)}"`).join(', ')}` +
        ' (use current 4-digit codes or an id from /api/collaborations)',
      'unknown_municipality',
    );
}

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
