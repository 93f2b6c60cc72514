// GET /api/projections/population (issue 13's pyramid): persons by sex and 5-year age group for a place
// (a collaboration is the sum of its members) in two years — today, the latest year of registered
// population, and a year of SSB's newest projection for one alternative. Population is SSB's public
// statistics, not patient data, so there is no disclosure control; the route sits behind the same login
// as every figure. Registered rows delivered as bands and SSB's open 105+ are spread evenly over their
// single ages (population.sql's rule) before grouping, so 90+ holds every age from 90 up.
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import {
  defaultProjectionAlternative,
  defaultPyramidYear,
  pyramidAgeGroups,
  type PopulationPyramidResponse,
  type PyramidAgeGroup,
  type PyramidRow,
  type PyramidYear,
} from '../../contract/projections.ts';
import { badRequest } from '../http-error.ts';
import type { MetricGate } from '../metrics/bounds.ts';
import { codeList, requireKnownPlaces } from '../metrics/params.ts';
import { municipalityTargets, type TargetDirectory } from '../metrics/targets.ts';
import type { ApiRuntime } from '../runtime.ts';
import { projectionDataOf, type ProjectionData } from './engine.ts';

/** A pyramid per place: enough for a collaboration and its members side by side, bounded. */
export const maxPyramidPlaces = 50;

export const pyramidQuerySchema = z.strictObject(
  {
    municipality: codeList('municipality codes or collaboration ids', 'is required: a municipality code or collaboration id')
      .refine((places) => places.length <= maxPyramidPlaces, `at most ${maxPyramidPlaces} places at once`)
      .meta({ description: `Comma-separated current municipality codes and/or collaboration ids (a collaboration is the sum of its members), at most ${maxPyramidPlaces}.` }),
    year: z
      .string()
      .regex(/^\d{4}$/, 'must be a year YYYY such as 2040')
      .transform(Number)
      .optional()
      .meta({ description: `Projection year of the second pyramid, one of the imported projection's years (default ${defaultPyramidYear}, or the projection's last year when it ends earlier).` }),
    alternative: z
      .string()
      .regex(/^[A-Za-z0-9]{1,12}$/, 'must be one SSB alternative code such as MMMM')
      .optional()
      .meta({ description: `SSB projection alternative (default ${defaultProjectionAlternative}).` }),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown parameter(s) ${issue.keys.join(', ')}` : undefined) },
);

export type PyramidQueryParams = z.infer<typeof pyramidQuerySchema>;

interface PyramidQuery {
  targets: { label: string; key: string }[];
  municipalities: string[];
  alternative: string;
  vintage: string | null;
  /** The projection year; null when no projection is imported. */
  year: number | null;
}

/** Codes, the year and the alternative checked against what the warehouse holds; every message names its parameter. */
function toPyramidQuery(params: PyramidQueryParams, directory: TargetDirectory, data: ProjectionData): PyramidQuery {
  requireKnownPlaces(params.municipality, directory);
  const targets = municipalityTargets(directory, params.municipality);
  const municipalities = [...new Set(targets.map((target) => target.label))];
  if (data.vintage === null) {
    if (params.year !== undefined || params.alternative !== undefined)
      throw badRequest(`${params.year !== undefined ? 'year' : 'alternative'}: no population projection is imported yet`, 'no_projection');
    return { targets, municipalities, alternative: defaultProjectionAlternative, vintage: null, year: null };
  }
  const alternative = params.alternative ?? (data.alternatives.includes(defaultProjectionAlternative) ? defaultProjectionAlternative : data.alternatives[0]!);
  if (!data.alternatives.includes(alternative))
    throw badRequest(`alternative: "${alternative}" is not in SSB's projection ${data.vintage}; use ${data.alternatives.join(', ')}`, 'unknown_alternative');
  const [first, last] = [data.years[0]!, data.years.at(-1)!];
  const year = params.year ?? (data.years.includes(defaultPyramidYear) ? defaultPyramidYear : last);
  if (!data.years.includes(year))
    throw badRequest(`year: ${year} is not a year of SSB's projection ${data.vintage} (${first}–${last}: ${data.years.join(', ')})`, 'year_out_of_range');
  return { targets, municipalities, alternative, vintage: data.vintage, year };
}

export async function answerPyramid(runtime: ApiRuntime, params: PyramidQueryParams): Promise<PopulationPyramidResponse> {
  const warehouse = runtime.services.warehouse;
  const [reference, data] = await Promise.all([runtime.reference.get(), projectionDataOf(warehouse)]);
  const query = toPyramidQuery(params, reference.directory, data);
  const { value } = await runtime.cache.get('projection:population', query, () => warehouse.withConnection((connection) => readPyramid(connection, query, runtime.metricGate)));
  return value;
}

async function readPyramid(connection: DuckDBConnection, query: PyramidQuery, gate: MetricGate): Promise<PopulationPyramidResponse> {
  const parameters: Record<string, string | number> = { vintage: query.vintage ?? '', alternative: query.alternative, year: query.year ?? -1 };
  const targets = query.targets.map((target, i) => {
    Object.assign(parameters, { [`label_${i}`]: target.label, [`key_${i}`]: target.key });
    return `($label_${i}::VARCHAR, $key_${i}::VARCHAR)`;
  });
  // One statement, both years: 'today' from registered population's latest year, 'projected' from the
  // asked projection year; ages as age_group (population.sql) puts them, 90 = 90+.
  const sql = `WITH target(label, key) AS (SELECT * FROM (VALUES ${targets.join(', ')})),
today AS (SELECT max(year) AS year FROM population),
single AS (
  SELECT 'today' AS which, p.municipality_code, p.sex, p.age, p.persons FROM population_single_age p
  WHERE p.year = (SELECT year FROM today) AND p.municipality_code IN (SELECT key FROM target)
  UNION ALL
  SELECT 'projected', municipality_code, sex, unnest(range(age_from::INTEGER, age_to::INTEGER + 1)), count / (age_to - age_from + 1)
  FROM population_projection
  WHERE vintage = $vintage AND alternative = $alternative AND year = $year AND municipality_code IN (SELECT key FROM target))
SELECT s.which, t.label AS municipality, s.sex, age_group(s.age)::INTEGER AS age_from, fsum(s.persons)::DOUBLE AS persons
FROM single s JOIN target t ON t.key = s.municipality_code
GROUP BY ALL`;
  const reader = await gate.run(connection, () => connection.runAndReadAll(sql, parameters));
  const found = new Map<string, number>();
  for (const row of reader.getRowObjectsJS())
    found.set(`${row.which}|${row.municipality}|${row.sex}|${row.age_from}`, Number(row.persons));
  const todayYear = (await connection.runAndReadAll('SELECT max(year) AS year FROM population')).getRowObjectsJS()[0]?.year;
  const pyramid = (which: string, year: number): PyramidYear => {
    const rows: PyramidRow[] = [];
    for (const municipality of query.municipalities)
      for (const sex of ['M', 'K'] as const)
        pyramidAgeGroups.forEach((ageGroup: PyramidAgeGroup, i) =>
          rows.push({ municipality, sex, ageGroup, persons: found.get(`${which}|${municipality}|${sex}|${i * 5}`) ?? 0 }),
        );
    return { year, rows };
  };
  return {
    municipalities: query.municipalities,
    alternative: query.alternative,
    vintage: query.vintage,
    today: todayYear == null ? null : pyramid('today', Number(todayYear)),
    projected: query.year === null ? null : pyramid('projected', query.year),
  };
}
