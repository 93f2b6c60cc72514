// The contract between the layers: types (and the few constant lists behind them) shared by the
// pipeline, the API and the web client. It sits below all three, so the pipeline may import it
// without reaching up into the API; the web imports it as $contract/types.ts. Keep it free of
// runtime imports so the browser bundle can use it.

export type Role = 'admin' | 'analyst' | 'leader' | 'viewer';

export interface SessionUser {
  username: string;
  role: Role;
  /** Current municipality codes a leader may see unsuppressed; empty for other roles. */
  municipalities: string[];
}

/** The four extract kinds, and dognpris: the discharge-ready daily rates an admin maintains. */
/** framskriving: SSB's population projections (JSON-stat or StatBank CSV; pipeline/ssb-import.ts), never population. */
/** What an imported file holds: hospital stays, KAD stays, KAD units, registered population, daily
 *  rates, SSB's population projections. */
export const extractKinds = ['sykehusopphold', 'kad_opphold', 'kad_enheter', 'befolkning', 'dognpris', 'framskriving'] as const;
export type ExtractKind = (typeof extractKinds)[number];

/** One rejected row (or file-level problem when line is null), as the CLI and the API report it. */
export interface ImportError {
  line: number | null;
  column: string | null;
  message: string;
}

export interface FileImportResult {
  file: string;
  kind: ExtractKind | null;
  status: 'imported' | 'unchanged' | 'rejected';
  rowsRead: number;
  rowsImported: number;
  rowsRejected: number;
  errors: ImportError[];
  warnings: string[];
  importId: number | null;
}

export interface ImportSummary {
  files: FileImportResult[];
}

export {
  baseAgeBands,
  protectableAges,
  declarationOf,
  diagnosisGroups,
  metricCatalogue,
  metricIds,
  metricParameterNames,
  metricsTaking,
  periodGrains,
  serviceAreas,
  sexes,
  standardisations,
} from './metrics.ts';
export type {
  DiagnosisGroup,
  MetricDeclaration,
  MetricId,
  MetricKind,
  MetricParameter,
  MetricUnit,
  PeriodGrain,
  ServiceArea,
  Sex,
  Standardisation,
} from './metrics.ts';
import type { DiagnosisGroup, MetricDeclaration, MetricId, MetricUnit, PeriodGrain, ServiceArea, Sex, Standardisation } from './metrics.ts';

/** A metric as GET /api/metrics serves it: its catalogue entry (without where its SQL lives) and its
 *  definition in words, English and bokmål: the opening comment of the metric's SQL file. */
export interface MetricInfo extends Omit<MetricDeclaration, 'sql' | 'id'> {
  id: MetricId;
  definition: { nb: string; en: string };
}

/** A validated metric request (the API's zod schema produces it; the engine consumes it). */
export interface MetricQuery {
  metric: MetricId;
  /** Current municipality codes and/or collaboration ids; a collaboration id gives one row for the whole collaboration. */
  municipalities: string[];
  /** kad-occupancy only: unit ids (empty = every unit). */
  units?: string[];
  /** First and last month, inclusive: YYYY-MM. */
  from: string;
  to: string;
  by: PeriodGrain;
  /** 'all' | '67+' | '80+' | 'a-b'; undefined = the metric's default (67+ for readmissions, all otherwise). */
  age?: string;
  sex: Sex;
  group?: DiagnosisGroup;
  /** undefined = the metric's default (somatikk for readmissions, all otherwise). */
  area?: ServiceArea;
  standardise: Standardisation;
  /** Fixed standard population for age-sex standardisation (see standardPopulations); default defaultStandardPopulation. */
  standard?: StandardPopulationId;
}

/** The fixed, named standard populations shipped with the project (api/metrics/reference/); never derived from imported data.
 *  esp2013: European Standard Population 2013, 5-year age groups 0–4 … 85–89, 90+, by sex.
 *  esp2013-broad: the same weights in three age groups 0–66, 67–79, 80+ (for small municipalities). */
export const standardPopulations = ['esp2013', 'esp2013-broad'] as const;
export type StandardPopulationId = (typeof standardPopulations)[number];
export const defaultStandardPopulation: StandardPopulationId = 'esp2013';
/** The standard of protected figures (and of every standardised figure for a user who gets any
 *  protected one): its strata are the base cells' broad bands (docs/disclosure-control.md). */
export const protectedStandardPopulation: StandardPopulationId = 'esp2013-broad';

export interface MetricRow {
  municipality?: string;
  unit?: string;
  period: string;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  suppressed: boolean;
  /** The figures are protected for this user: sums of perturbed base cells (docs/disclosure-control.md). */
  protected?: boolean;
  /** Age–sex standardised value when standardise=age-sex. */
  standardised?: number | null;
  /** 95 % interval of the standardised value (Dobson's method); with standardise=age-sex, rates only. */
  standardisedCiLow?: number | null;
  standardisedCiHigh?: number | null;
  /** discharge-ready-days only. */
  stays?: number | null;
  patients?: number | null;
  /** discharge-ready-days: null when a year of the period has no daily rate (missingRateYears names it). */
  costNok?: number | null;
  /** discharge-ready-days: the daily rate (NOK) when the period lies in one year and it has one, else null. */
  dailyRateNok?: number | null;
  /** discharge-ready-days: every year of the period that has a daily rate, with it. */
  dailyRates?: DailyRate[];
  /** discharge-ready-days: the years of the period without a daily rate (then costNok is null). */
  missingRateYears?: number[];
  /** discharge-ready-days only: discharge-ready days ÷ stays with such days. */
  meanDaysPerStay?: number | null;
  /** Compare only: the expected count under the funnel's model (rates: Σ stratum person-years × the
   *  comparison set's age–sex rate; shares: denominator × pooled share); null when the row has no funnel. */
  expected?: number | null;
}

/** A year's discharge-ready daily rate (døgnpris), as the cost of a row used it. */
export interface DailyRate {
  year: number;
  nok: number;
}

export interface MetricResponse {
  metric: MetricId;
  unit: MetricUnit;
  by: PeriodGrain;
  from: string;
  to: string;
  dataThrough: string | null;
  /** The standard population the standardised figures use (standardise=age-sex on a rate). */
  standard?: StandardPopulationId;
  rows: MetricRow[];
}

export interface FunnelPoint {
  denominator: number;
  lower95: number;
  upper95: number;
  lower998: number;
  upper998: number;
}

export interface CompareResponse extends MetricResponse {
  overall: number | null;
  funnel: FunnelPoint[];
  /** municipality codes outside the 99.8 % limits. */
  outliers: string[];
  variation: { maxMinRatio: number | null; cv: number | null; scv: number | null };
  /** smr-poisson: rates as SMR = observed ÷ expected (indirect age–sex standardisation on the compared set's own
   *  rates), exact Poisson limits around 1, funnel x = expected count; share-binomial: exact binomial limits around
   *  the pooled share, x = denominator; none: no funnel (funnelNote says why). */
  funnelMethod?: 'smr-poisson' | 'share-binomial' | 'none';
  funnelNote?: string | null;
  /** φ from winsorised z-scores (Spiegelhalter 2005); used: the limits were widened by √φ. */
  overdispersion?: { phi: number | null; used: boolean };
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

// The reference lists (GET /api/municipalities, /api/collaborations, /api/units) as the web reads them.
export interface Municipality {
  code: string;
  name: string;
  county: string | null;
  population: number | null;
  populationYear: number | null;
  collaborations: string[];
}
export interface Collaboration {
  id: string;
  name: string;
  municipalities: string[];
}
export interface KadUnit {
  unit: string;
  name: string;
  hostMunicipality: string;
  municipalities: string[];
}

/** GET /api/health. sources: each hospital's (behandlingssted's) own data through (a date), by name. */
export interface SourceDataThrough {
  source: string;
  dataThrough: string;
}
export interface Health {
  status: 'ok';
  dataThrough: string | null;
  sources: SourceDataThrough[];
  importRunning: boolean;
}
