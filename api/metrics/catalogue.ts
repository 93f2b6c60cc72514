// Which metrics exist, how each is shaped (rate, share, mean, occupancy) and where its SQL lives.
// The definition shown to users is the opening comment of the metric's SQL file, read once here,
// so the words and the SQL cannot drift apart.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MetricId, MetricInfo, MetricUnit, ServiceArea } from '../../contract/types.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** rate: count per 1000 inhabitants per year; share: numerator ÷ denominator in %; mean: numerator ÷
 *  denominator; occupancy: numerator × 100 ÷ capacity, per unit. */
export type MetricKind = 'rate' | 'share' | 'mean' | 'occupancy';

export interface MetricSpec {
  id: MetricId;
  title: { nb: string; en: string };
  unit: MetricUnit;
  kind: MetricKind;
  file: string;
  /** Table macro returning the standard fact columns (see engine.ts). */
  factsMacro: string;
  /** Arguments the facts macro takes, in order. */
  arguments: ReadonlyArray<'area' | 'group'>;
  defaultAge: string;
  defaultArea: ServiceArea;
  /** Rows are keyed by unit (kad-occupancy) rather than by municipality. */
  perUnit: boolean;
  /** The facts macro also returns a `day` column, so the metric can be asked by=day. */
  hasDay?: boolean;
  parameters: string[];
}

const common = ['municipality', 'from', 'to', 'by', 'age', 'sex'];
const hospital = [...common, 'area', 'standardise'];

export const metricSpecs: readonly MetricSpec[] = [
  { id: 'readmissions', title: { nb: 'Reinnleggelser innen 30 dager (ujustert)', en: '30-day readmissions (crude)' },
    unit: 'percent', kind: 'share', file: 'readmissions.sql', factsMacro: 'readmissions_facts', arguments: ['area', 'group'],
    defaultAge: '67+', defaultArea: 'somatikk', perUnit: false, parameters: [...common, 'area', 'group'] },
  { id: 'acute-admissions', title: { nb: 'Akutte sykehusinnleggelser', en: 'Acute hospital admissions' },
    unit: 'per-1000-per-year', kind: 'rate', file: 'acute-admissions.sql', factsMacro: 'acute_admissions_facts', arguments: ['area'],
    defaultAge: 'all', defaultArea: 'all', perUnit: false, parameters: hospital },
  { id: 'discharge-ready-days', title: { nb: 'Overliggerdøgn', en: 'Discharge-ready days' },
    unit: 'per-1000-per-year', kind: 'rate', file: 'discharge-ready-days.sql', factsMacro: 'discharge_ready_days_facts', arguments: ['area'],
    defaultAge: 'all', defaultArea: 'all', perUnit: false, parameters: hospital },
  { id: 'kad-stays', title: { nb: 'KAD-opphold', en: 'KAD stays' },
    unit: 'per-1000-per-year', kind: 'rate', file: 'kad-stays.sql', factsMacro: 'kad_stays_facts', arguments: [],
    defaultAge: 'all', defaultArea: 'all', perUnit: false, parameters: [...common, 'standardise'] },
  { id: 'kad-bed-days', title: { nb: 'KAD-liggedøgn', en: 'KAD bed-days' },
    unit: 'per-1000-per-year', kind: 'rate', file: 'kad-bed-days.sql', factsMacro: 'kad_bed_days_facts', arguments: [],
    defaultAge: 'all', defaultArea: 'all', perUnit: false, parameters: [...common, 'standardise'] },
  { id: 'kad-length-of-stay', title: { nb: 'Liggetid i KAD', en: 'KAD length of stay' },
    unit: 'nights-per-stay', kind: 'mean', file: 'kad-length-of-stay.sql', factsMacro: 'kad_length_of_stay_facts', arguments: [],
    defaultAge: 'all', defaultArea: 'all', perUnit: false, parameters: common },
  { id: 'kad-transfer-share', title: { nb: 'Andel KAD-opphold videre til sykehus', en: 'KAD stays sent on to hospital' },
    unit: 'percent', kind: 'share', file: 'kad-transfer-share.sql', factsMacro: 'kad_transfer_share_facts', arguments: [],
    defaultAge: 'all', defaultArea: 'all', perUnit: false, parameters: common },
  { id: 'kad-occupancy', title: { nb: 'Belegg i KAD-enheten', en: 'KAD unit occupancy' },
    unit: 'percent', kind: 'occupancy', file: 'kad-occupancy.sql', factsMacro: 'kad_occupancy_facts', arguments: [],
    defaultAge: 'all', defaultArea: 'all', perUnit: true, hasDay: true, parameters: ['unit', 'from', 'to', 'by'] },
];

/** Building blocks first: later files use the views and macros of earlier ones. */
export const sqlFiles: readonly string[] = [
  'data-through.sql',
  'population.sql',
  'diagnosis-groups.sql',
  'episodes.sql',
  ...metricSpecs.map((spec) => spec.file),
];

const sqlText = new Map<string, string>(sqlFiles.map((file) => [file, readFileSync(join(here, file), 'utf8')]));

export function sqlOf(file: string): string {
  const text = sqlText.get(file);
  if (text === undefined) throw new Error(`No metric SQL file ${file}`);
  return text;
}

/** The opening `--` comment of a SQL file as one paragraph: the English part, or (lang nb) the
 *  bokmål part that follows a line beginning `nb:`. Files without a bokmål part give English for both. */
export function openingComment(sql: string, lang: 'en' | 'nb' = 'en'): string {
  const parts: Record<'en' | 'nb', string[]> = { en: [], nb: [] };
  let part: 'en' | 'nb' = 'en';
  for (const line of sql.split(/\r?\n/)) {
    if (!line.startsWith('--')) break;
    let text = line.replace(/^--\s?/, '').trim();
    if (text.startsWith('nb:')) [part, text] = ['nb', text.slice(3)];
    parts[part].push(text);
  }
  const paragraph = (lines: string[]) => lines.join(' ').replace(/\s+/g, ' ').trim();
  return paragraph(parts[lang]) || paragraph(parts.en);
}

/** The one wording of the by=day rule, for the route (400) and the engine (InvalidQueryError). */
export const byDayOnlyMessage = 'by=day is only available for kad-occupancy';

export function specOf(id: string): MetricSpec | undefined {
  return metricSpecs.find((spec) => spec.id === id);
}

export const metricCatalogue: MetricInfo[] = metricSpecs.map((spec) => ({
  id: spec.id,
  title: spec.title,
  unit: spec.unit,
  definition: { en: openingComment(sqlOf(spec.file), 'en'), nb: openingComment(sqlOf(spec.file), 'nb') },
  parameters: spec.parameters,
}));

/** The exact SQL behind a metric (for the workbench documentation). */
export function metricSql(id: MetricId): string {
  const spec = specOf(id);
  if (!spec) throw new Error(`Unknown metric ${id}`);
  return sqlOf(spec.file);
}

export interface AnalystObject {
  name: string;
  kind: 'view' | 'table_macro' | 'macro' | 'table';
  file: string;
  /** The file's opening comment: what the object's metric or building block means. */
  definition: string;
}

/** Every view and macro the metric SQL installs, for the SQL workbench's allow-list and docs. */
export const analystObjects: AnalystObject[] = sqlFiles.flatMap((file) => {
  const text = sqlOf(file);
  const definition = openingComment(text);
  return [...text.matchAll(/CREATE (?:OR REPLACE )?(VIEW|MACRO|TABLE IF NOT EXISTS) (\w+)\s*(?:\([^)]*\))?\s*AS\s+(TABLE)?/g)].map((m) => ({
    name: m[2]!,
    kind: m[1] === 'VIEW' ? ('view' as const) : m[1] !== 'MACRO' ? ('table' as const) : m[3] ? ('table_macro' as const) : ('macro' as const),
    file,
    definition,
  }));
});
