// The metric and compare routes' parameters, validated at the edge. Formats are checked by zod; codes
// that must exist (municipality, collaboration, unit) are checked against the reference data. Every
// message names the parameter and says what is wrong, so a value that looks like SQL injection gets
// the same 400 as a typo and never reaches a query.
import { z } from 'zod';
import { diagnosisGroups, metricIds, type MetricId, type MetricQuery, type PeriodGrain } from '../../contract/types.ts';
import { badRequest } from '../http-error.ts';
import type { ReferenceData } from '../reference.ts';
import { intoWindow, periodOutsideWindow, type PeriodWindow } from './bounds.ts';
import { byDayOnlyMessage, specOf } from './catalogue.ts';

const month = z
  .string()
  .regex(/^\d{4}-\d{2}$/, 'must be a month written YYYY-MM, e.g. 2024-01')
  .refine((value) => {
    const m = Number(value.slice(5));
    return m >= 1 && m <= 12;
  }, 'is not a real month: the month must be 01–12');

const codeList = (what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+(,[A-Za-z0-9_-]+)*$/, `must be a comma-separated list of ${what}`)
    .transform((value) => [...new Set(value.split(','))]);

const age = z
  .string()
  .regex(/^(all|67\+|80\+|\d{1,3}-\d{1,3})$/, 'must be all, 67+, 80+ or a range a-b such as 70-79')
  .refine((value) => {
    const range = /^(\d+)-(\d+)$/.exec(value);
    return !range || (Number(range[1]) <= Number(range[2]) && Number(range[2]) <= 120);
  }, 'must be a range a-b with a ≤ b ≤ 120');

export const metricQuerySchema = z
  .strictObject(
    {
      municipality: codeListOrUndefined('municipality codes or collaboration ids'),
      unit: codeListOrUndefined('KAD unit ids'),
      from: month.optional(),
      to: month.optional(),
      by: z.enum(['day', 'month', 'quarter', 'year', 'total'], 'must be day, month, quarter, year or total').optional(),
      age: age.optional(),
      sex: z.enum(['all', 'M', 'K'], 'must be all, M or K').optional(),
      group: z.enum(diagnosisGroups, `must be one of ${diagnosisGroups.join(', ')}`).optional(),
      area: z
        .enum(['all', 'somatikk', 'psykisk_helsevern', 'tsb'], 'must be all, somatikk, psykisk_helsevern or tsb')
        .optional(),
      standardise: z.enum(['none', 'age-sex'], 'must be none or age-sex').optional(),
      standardYear: z
        .string()
        .regex(/^\d{4}$/, 'must be a year such as 2024')
        .transform(Number)
        .optional(),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown parameter(s) ${issue.keys.join(', ')}` : undefined) },
  )
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'to must not be before from', path: ['to'] });

function codeListOrUndefined(what: string) {
  return codeList(what).optional();
}

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
  const unknown = municipalities.filter(
    (code) => !reference.municipalityCodes.has(code) && !reference.collaborationMembers.has(code),
  );
  if (unknown.length > 0)
    throw badRequest(
      `municipality: unknown municipality code or collaboration id ${unknown.map((u) => `"${truncate(u)}"`).join(', ')}` +
        ' (use current 4-digit codes or an id from /api/collaborations)',
      'unknown_municipality',
    );
  if (params.unit && metric !== 'kad-occupancy')
    throw badRequest(`unit: applies only to kad-occupancy; use municipality for ${metric}`);
  if (metric === 'kad-occupancy' && params.municipality)
    throw badRequest('municipality: kad-occupancy is per unit; use unit=<unit id> instead');
  const unknownUnits = (params.unit ?? []).filter((unit) => !reference.unitMunicipalities.has(unit));
  if (unknownUnits.length > 0)
    throw badRequest(`unit: unknown KAD unit ${unknownUnits.map((u) => `"${truncate(u)}"`).join(', ')}`, 'unknown_unit');
  if (params.by === 'day' && !specOf(metric)?.hasDay) throw badRequest(`by: ${byDayOnlyMessage}; use by=month for ${metric}`);
  if (params.group && metric !== 'readmissions') throw badRequest(`group: applies only to readmissions, not to ${metric}`);

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
  if (metric === 'kad-occupancy') query.units = params.unit ?? [];
  if (params.age) query.age = params.age;
  if (params.group) query.group = params.group;
  if (params.area) query.area = params.area;
  if (params.standardYear) query.standardYear = params.standardYear;
  return query;
}

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
