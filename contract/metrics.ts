// The metric catalogue: every metric declared once. An entry says what the metric is (titles, unit,
// kind), where its SQL lives and which query parameters it takes with which values. Everything else
// reads it: the API's zod validators and generated OpenAPI parameters (api/metrics/params.ts,
// api/openapi.ts), the engine's checks (api/metrics/engine.ts), the metric SQL it installs
// (api/metrics/catalogue.ts) and the web's pickers and special cases. The definition in words is not
// here: it is the opening comment of the metric's SQL file, served by GET /api/metrics.
// No runtime imports: the browser bundle uses this file as it is.

export const serviceAreas = ['all', 'somatikk', 'psykisk_helsevern', 'tsb'] as const;
export type ServiceArea = (typeof serviceAreas)[number];

/** `day` (period `YYYY-MM-DD`) only for metrics whose facts carry a day (`grains` says which). */
export const periodGrains = ['day', 'month', 'quarter', 'year', 'total'] as const;
export type PeriodGrain = (typeof periodGrains)[number];

export const sexes = ['all', 'M', 'K'] as const;
export type Sex = (typeof sexes)[number];

export const standardisations = ['none', 'age-sex'] as const;
export type Standardisation = (typeof standardisations)[number];

export const diagnosisGroups = [
  'kols',
  'hjertesvikt',
  'lungebetennelse',
  'hjerneslag',
  'brudd',
  'dehydrering',
  'forstoppelse',
  'gastroenteritt',
  'urinveisinfeksjon',
  'mangelanemi',
  'gikt',
  'elleve',
] as const;
export type DiagnosisGroup = (typeof diagnosisGroups)[number];

/** The broad age bands of the base cells protected figures are summed from (docs/disclosure-control.md,
 *  the esp2013-broad strata); breakdowns by age use them, so every user can have them. */
export const baseAgeBands = ['0-66', '67-79', '80+'] as const;
/** Age filters that are unions of base bands: the only ones protected figures exist for. */
export const protectableAges = ['all', '0-66', '67+', '67-79', '80+'] as const;

/** Every query parameter a metric request may carry; each metric lists the ones it takes. */
export const metricParameterNames = [
  'municipality',
  'unit',
  'from',
  'to',
  'by',
  'age',
  'sex',
  'group',
  'area',
  'standardise',
  'standard',
] as const;
export type MetricParameter = (typeof metricParameterNames)[number];

export type MetricUnit = 'percent' | 'per-1000-per-year' | 'nights-per-stay';

/** rate: count per 1000 inhabitants per year; share: numerator ÷ denominator in %; mean: numerator ÷
 *  denominator; occupancy: numerator × 100 ÷ capacity, per unit. */
export type MetricKind = 'rate' | 'share' | 'mean' | 'occupancy';

export interface MetricDeclaration {
  id: string;
  title: { nb: string; en: string };
  unit: MetricUnit;
  kind: MetricKind;
  /** The SQL file in api/metrics/ and the table macro in it that returns the standard fact columns. */
  sql: { file: string; factsMacro: string; arguments: ReadonlyArray<'area' | 'group'> };
  /** Rows are per KAD unit (`unit=`) rather than per municipality (`municipality=`). */
  perUnit: boolean;
  parameters: readonly MetricParameter[];
  /** The period grains `by=` may take. */
  grains: readonly PeriodGrain[];
  /** The values `area=` and `group=` may take (empty when the metric does not take the parameter). */
  areas: readonly ServiceArea[];
  groups: readonly DiagnosisGroup[];
  defaults: { age: string; area: ServiceArea };
  /** The age bands a breakdown by age shows (empty: no age breakdown). */
  ageBands: readonly string[];
  /** Days after a month's end before its figures are final (readmissions follow each discharge 30 days). */
  followUpDays: number;
  /** The metric counts nights, which are not independent events: no count model, so no funnel. */
  countsNights: boolean;
  /** The per-unit occupancy metric whose bed-days these nights are (KAD bed-days → KAD occupancy): a
   *  projection of this metric shows each unit's beds today and ahead (web/src/lib/kad-capacity.ts). */
  unitOccupancy?: string;
}

const everyGrainButDay = ['month', 'quarter', 'year', 'total'] as const;
const perPlace = ['municipality', 'from', 'to', 'by', 'age', 'sex'] as const;
const hospitalRate = [...perPlace, 'area', 'standardise', 'standard'] as const;
const kadRate = [...perPlace, 'standardise', 'standard'] as const;
const noAreas: readonly ServiceArea[] = [];
const noGroups: readonly DiagnosisGroup[] = [];
const allAges = { age: 'all', area: 'all' } as const;
const lifeStages = baseAgeBands;

export const metricCatalogue = [
  {
    id: 'readmissions',
    title: { nb: 'Reinnleggelser innen 30 dager (ujustert)', en: '30-day readmissions (crude)' },
    unit: 'percent',
    kind: 'share',
    sql: { file: 'readmissions.sql', factsMacro: 'readmissions_facts', arguments: ['area', 'group'] },
    perUnit: false,
    parameters: [...perPlace, 'area', 'group'],
    grains: everyGrainButDay,
    areas: serviceAreas,
    groups: diagnosisGroups,
    defaults: { age: '67+', area: 'somatikk' },
    ageBands: ['67-79', '80+'],
    followUpDays: 30,
    countsNights: false,
  },
  {
    // The national quality indicator's definition (docs/readmissions-national.md): its groups, linking
    // and exclusions. No group means the indicator's population, the eleven groups.
    id: 'readmissions-national',
    title: { nb: 'Reinnleggelser innen 30 dager (nasjonal definisjon, ujustert)', en: '30-day readmissions (national definition, unadjusted)' },
    unit: 'percent',
    kind: 'share',
    sql: { file: 'readmissions-national.sql', factsMacro: 'readmissions_national_facts', arguments: ['area', 'group'] },
    perUnit: false,
    parameters: [...perPlace, 'area', 'group'],
    grains: everyGrainButDay,
    areas: ['somatikk'],
    groups: diagnosisGroups,
    defaults: { age: '67+', area: 'somatikk' },
    ageBands: ['67-79', '80+'],
    followUpDays: 30,
    countsNights: false,
  },
  {
    id: 'acute-admissions',
    title: { nb: 'Akutte sykehusinnleggelser', en: 'Acute hospital admissions' },
    unit: 'per-1000-per-year',
    kind: 'rate',
    sql: { file: 'acute-admissions.sql', factsMacro: 'acute_admissions_facts', arguments: ['area'] },
    perUnit: false,
    parameters: hospitalRate,
    grains: everyGrainButDay,
    areas: serviceAreas,
    groups: noGroups,
    defaults: allAges,
    ageBands: lifeStages,
    followUpDays: 0,
    countsNights: false,
  },
  {
    id: 'discharge-ready-days',
    title: { nb: 'Overliggerdøgn', en: 'Discharge-ready days' },
    unit: 'per-1000-per-year',
    kind: 'rate',
    sql: { file: 'discharge-ready-days.sql', factsMacro: 'discharge_ready_days_facts', arguments: ['area'] },
    perUnit: false,
    parameters: hospitalRate,
    grains: everyGrainButDay,
    areas: serviceAreas,
    groups: noGroups,
    defaults: allAges,
    ageBands: lifeStages,
    followUpDays: 0,
    countsNights: true,
  },
  {
    id: 'kad-stays',
    title: { nb: 'KAD-opphold', en: 'KAD stays' },
    unit: 'per-1000-per-year',
    kind: 'rate',
    sql: { file: 'kad-stays.sql', factsMacro: 'kad_stays_facts', arguments: [] },
    perUnit: false,
    parameters: kadRate,
    grains: everyGrainButDay,
    areas: noAreas,
    groups: noGroups,
    defaults: allAges,
    ageBands: lifeStages,
    followUpDays: 0,
    countsNights: false,
  },
  {
    id: 'kad-bed-days',
    title: { nb: 'KAD-liggedøgn', en: 'KAD bed-days' },
    unit: 'per-1000-per-year',
    kind: 'rate',
    sql: { file: 'kad-bed-days.sql', factsMacro: 'kad_bed_days_facts', arguments: [] },
    perUnit: false,
    parameters: kadRate,
    grains: everyGrainButDay,
    areas: noAreas,
    groups: noGroups,
    defaults: allAges,
    ageBands: lifeStages,
    followUpDays: 0,
    countsNights: true,
    unitOccupancy: 'kad-occupancy',
  },
  {
    id: 'kad-length-of-stay',
    title: { nb: 'Liggetid i KAD', en: 'KAD length of stay' },
    unit: 'nights-per-stay',
    kind: 'mean',
    sql: { file: 'kad-length-of-stay.sql', factsMacro: 'kad_length_of_stay_facts', arguments: [] },
    perUnit: false,
    parameters: perPlace,
    grains: everyGrainButDay,
    areas: noAreas,
    groups: noGroups,
    defaults: allAges,
    ageBands: lifeStages,
    followUpDays: 0,
    countsNights: false,
  },
  {
    id: 'kad-transfer-share',
    title: { nb: 'Andel KAD-opphold videre til sykehus', en: 'KAD stays sent on to hospital' },
    unit: 'percent',
    kind: 'share',
    sql: { file: 'kad-transfer-share.sql', factsMacro: 'kad_transfer_share_facts', arguments: [] },
    perUnit: false,
    parameters: perPlace,
    grains: everyGrainButDay,
    areas: noAreas,
    groups: noGroups,
    defaults: allAges,
    ageBands: lifeStages,
    followUpDays: 0,
    countsNights: false,
  },
  {
    id: 'kad-occupancy',
    title: { nb: 'Belegg i KAD-enheten', en: 'KAD unit occupancy' },
    unit: 'percent',
    kind: 'occupancy',
    sql: { file: 'kad-occupancy.sql', factsMacro: 'kad_occupancy_facts', arguments: [] },
    perUnit: true,
    parameters: ['unit', 'from', 'to', 'by'],
    grains: periodGrains,
    areas: noAreas,
    groups: noGroups,
    defaults: allAges,
    ageBands: [],
    followUpDays: 0,
    countsNights: true,
  },
] as const satisfies readonly MetricDeclaration[];

export type MetricId = (typeof metricCatalogue)[number]['id'];
export const metricIds: readonly MetricId[] = metricCatalogue.map((metric) => metric.id);

export function declarationOf(id: string): MetricDeclaration | undefined {
  return metricCatalogue.find((metric) => metric.id === id);
}

/** The metrics that take `parameter`, for "applies only to …" messages. */
export function metricsTaking(parameter: MetricParameter): MetricId[] {
  return metricCatalogue.filter((metric) => (metric.parameters as readonly string[]).includes(parameter)).map((metric) => metric.id);
}
