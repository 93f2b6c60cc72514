// The contract of GET /api/projections/:metric (issue 13): expected use per metric from age–sex-
// specific rates of a base period × SSB's projected population, per municipality or collaboration,
// projection year and alternative, with demography alone and demography plus an annual change in the
// rates, and beds needed at a target occupancy for metrics counted in nights.
import type { MetricId } from './metrics.ts';

/** The metrics projected: counts of residents' events or nights. A mean, a share of stays and a unit's
 *  occupancy are not (the API says why and which metric to project instead). */
export const projectableMetrics = ['acute-admissions', 'readmissions', 'discharge-ready-days', 'kad-stays', 'kad-bed-days'] as const satisfies readonly MetricId[];

/** SSB's alternatives by code: main (MMMM), low (LLML), high (HHMH); other codes are kept by name. */
export const projectionAlternatives = ['MMMM', 'LLML', 'HHMH'] as const;
export const defaultProjectionAlternative = 'MMMM';
/** Default target occupancy for beds needed (percent). */
export const defaultTargetOccupancy = 85;

/** Where a row's base rates come from: the municipality's own, else (too sparse) its collaboration's
 *  or every municipality's. Said on every row. */
export type RateSource = 'own' | 'collaboration' | 'all';

export interface ProjectionRow {
  /** Municipality code or collaboration id. */
  municipality: string;
  alternative: string;
  /** The base period's last year (the "today" row, registered population) or a projection year. */
  year: number;
  /** Persons in the metric's age range: registered for the base row, projected otherwise. */
  population: number;
  /** Expected events (or nights) per year at the base period's rates: demography alone. */
  demography: number;
  /** The same with the annual change in rates applied from the base year on. */
  withChange: number;
  /** Metrics counted in nights: beds needed at the target occupancy (nights ÷ 365 ÷ occupancy). */
  bedsDemography?: number | null;
  bedsWithChange?: number | null;
  /** discharge-ready-days: nights × the latest known daily rate (null when none is known). */
  costNok?: number | null;
  /** discharge-ready-days: withChange × the same rate. */
  costWithChangeNok?: number | null;
  /** readmissions: the expected index episodes (the share's denominator), demography alone and with the change. */
  indexEpisodes?: number | null;
  indexEpisodesWithChange?: number | null;
  /** readmissions with group=: expected distinct patients per year with at least one episode (acute or
   *  planned, however it ended) whose main diagnosis is in the group, demography alone and with the change. */
  patients?: number | null;
  patientsWithChange?: number | null;
  rateSource: RateSource;
  /** Computed from protected figures for this user (docs/disclosure-control.md). */
  protected?: boolean;
}

export interface ProjectionResponse {
  metric: MetricId;
  /** events: admissions, index episodes, readmissions, stays; nights: bed-days, discharge-ready days. */
  measure: 'events' | 'nights';
  /** Base period, whole years, e.g. 2023–2025 (default: the last three complete years). */
  base: { from: number; to: number };
  /** SSB's projection round the population comes from, e.g. '2024'; null when none is imported. */
  vintage: string | null;
  alternatives: string[];
  /** Annual change in the age–sex-specific rates, percent per year (e.g. −1). */
  changePercentPerYear: number;
  /** Target occupancy for beds needed, percent (metrics in nights). */
  occupancyPercent: number;
  /** readmissions: the diagnosis group of the index episodes (group=), when one was asked for. */
  group?: string;
  /** discharge-ready-days: the daily rate the cost uses and its year. */
  dailyRate?: { year: number; nok: number } | null;
  rows: ProjectionRow[];
}

/** The population pyramid's age groups (GET /api/projections/population), youngest first: the
 *  standardisation groups 0-4 … 85-89 and 90+ (every age from 90 up, SSB's 105+ included). */
export const pyramidAgeGroups = [
  '0-4', '5-9', '10-14', '15-19', '20-24', '25-29', '30-34', '35-39', '40-44', '45-49',
  '50-54', '55-59', '60-64', '65-69', '70-74', '75-79', '80-84', '85-89', '90+',
] as const;
export type PyramidAgeGroup = (typeof pyramidAgeGroups)[number];
/** The pyramid's projection year when none is asked for (the "today vs 2040"). */
export const defaultPyramidYear = 2040;

export interface PyramidRow {
  /** Municipality code or collaboration id (a collaboration is the sum of its members). */
  municipality: string;
  sex: 'M' | 'K';
  ageGroup: PyramidAgeGroup;
  persons: number;
}

export interface PyramidYear {
  year: number;
  /** Every asked place × sex × age group, zeros included, in pyramidAgeGroups' order. */
  rows: PyramidRow[];
}

/** GET /api/projections/population: SSB's public population (no disclosure control), registered today
 *  and projected for one year of one alternative. */
export interface PopulationPyramidResponse {
  municipalities: string[];
  alternative: string;
  /** SSB's projection round of `projected`; null when none is imported. */
  vintage: string | null;
  /** The latest year of registered population; null before any is imported. */
  today: PyramidYear | null;
  /** The asked projection year; null when no projection is imported. */
  projected: PyramidYear | null;
}
