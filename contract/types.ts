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

export type ExtractKind = 'sykehusopphold' | 'kad_opphold' | 'kad_enheter' | 'befolkning';

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

export type MetricId =
  | 'readmissions'
  | 'acute-admissions'
  | 'discharge-ready-days'
  | 'kad-stays'
  | 'kad-bed-days'
  | 'kad-length-of-stay'
  | 'kad-transfer-share'
  | 'kad-occupancy';

export const metricIds: readonly MetricId[] = [
  'readmissions',
  'acute-admissions',
  'discharge-ready-days',
  'kad-stays',
  'kad-bed-days',
  'kad-length-of-stay',
  'kad-transfer-share',
  'kad-occupancy',
];

export type MetricUnit = 'percent' | 'per-1000-per-year' | 'nights-per-stay';
/** `day` (period `YYYY-MM-DD`) only for kad-occupancy, the one metric whose facts carry a day. */
export type PeriodGrain = 'day' | 'month' | 'quarter' | 'year' | 'total';
export type ServiceArea = 'all' | 'somatikk' | 'psykisk_helsevern' | 'tsb';

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

export interface MetricInfo {
  id: MetricId;
  title: { nb: string; en: string };
  unit: MetricUnit;
  /** The definition in words, in English and bokmål: the opening comment of the metric's SQL file. */
  definition: { nb: string; en: string };
  /** Which query parameters apply (e.g. group only for readmissions, unit only for kad-occupancy). */
  parameters: string[];
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
  sex: 'all' | 'M' | 'K';
  group?: DiagnosisGroup;
  /** undefined = the metric's default (somatikk for readmissions, all otherwise). */
  area?: ServiceArea;
  standardise: 'none' | 'age-sex';
  /** Standard population year for age-sex standardisation; default the latest population year. */
  standardYear?: number;
}

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
  /** Age–sex standardised value when standardise=age-sex. */
  standardised?: number | null;
  /** 95 % interval of the standardised value (Dobson's method); with standardise=age-sex, rates only. */
  standardisedCiLow?: number | null;
  standardisedCiHigh?: number | null;
  /** discharge-ready-days only. */
  stays?: number | null;
  patients?: number | null;
  costNok?: number | null;
  /** discharge-ready-days only: discharge-ready days ÷ stays with such days. */
  meanDaysPerStay?: number | null;
}

export interface MetricResponse {
  metric: MetricId;
  unit: MetricUnit;
  by: PeriodGrain;
  from: string;
  to: string;
  dataThrough: string | null;
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
