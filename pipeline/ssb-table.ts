// The shape both SSB formats (JSON-stat 2.0 from PxWebApi: ssb-jsonstat.ts; StatBank's CSV download:
// ssb-statbank.ts) are read into, and how SSB's categories become our values: region K-4204 / 4204 /
// "4204 Kristiansand" → a municipality code; sex 1/2 → M/K; age 000 … 104, 105+, "0 år",
// "105 år eller eldre" → age_from/age_to; Tid → year; a projection alternative (MMMM, LLML, HHMH, …).
// Categories are interpreted once each, not once per value: a national table has millions of values
// but a few hundred categories.
import type { ImportError } from '../contract/types.ts';

export type SsbFormat = 'json-stat' | 'statbank-csv';
export type DimensionRole = 'region' | 'sex' | 'age' | 'year' | 'contents' | 'alternative';

export interface SsbCategory {
  code: string;
  label: string;
  /** Line of the file where the category is given (JSON-stat: its index entry; CSV: the first row with it). */
  line: number | null;
}

export interface SsbDimension {
  /** As SSB names it (Region, Kjonn, Alder, Tid, ContentsCode; CSV: the header). */
  id: string;
  role: DimensionRole;
  categories: SsbCategory[];
}

/** One value of the table: a category index per dimension (in `dimensions` order) and where it is. */
export type CellVisitor = (categories: ArrayLike<number>, value: number | null, line: number, position: number) => void;

export interface SsbTable {
  format: SsbFormat;
  /** "14288: Framskrevet folkemengde …" (JSON-stat label; the CSV's first line). */
  title: string;
  /** JSON-stat `updated` (ISO date-time), when given. */
  updated: string | null;
  dimensions: SsbDimension[];
  /** Values in the table (cells, including empty ones). */
  cellCount: number;
  /** What errors about a value name as their column. */
  valueColumn: string;
  /** The column a value stands in, when the table has several (StatBank's wide CSV); `position` as visited. */
  columnOf?: (position: number) => string;
  forEachCell(visit: CellVisitor): void;
}

export type Read<T> = { ok: true; value: T } | { ok: false; errors: ImportError[] };

const alternativePattern = /(?<![A-Za-z0-9])([LMHK0]{4})(?![A-Za-z0-9])/;

/** SSB's alternative code in a category (MMMM, LLML, HHMH, MMM0 …), or null. */
export function alternativeCode(category: SsbCategory): string | null {
  return alternativePattern.exec(category.code)?.[1] ?? alternativePattern.exec(category.label)?.[1] ?? null;
}

/** The role a dimension's id (or CSV header) names, or null for one we do not know. */
export function roleOfName(name: string): DimensionRole | null {
  const id = name.trim().toLowerCase();
  if (/^region/.test(id)) return 'region';
  if (/^(kj[oø]nn|sex)$/.test(id)) return 'sex';
  if (/^(alder|age)$/.test(id)) return 'age';
  if (/^(tid|år|aar|year|time)$/.test(id)) return 'year';
  if (/^(contentscode|statistikkvariabel|contents)$/.test(id)) return 'contents';
  if (/altern/.test(id)) return 'alternative';
  return null;
}

export type RegionValue = { code: string } | { skip: string } | { error: string };

/** K-4204, 4204, "4204 Kristiansand", "K-4204 Kristiansand"; the country, counties and the like are skipped. */
export function regionOf(category: SsbCategory): RegionValue {
  const text = category.code.trim();
  const municipality = /^(?:K-)?(\d{4})(?!\d)/.exec(text);
  if (municipality) return { code: municipality[1]! };
  if (/^(?:F-)?\d{1,2}(?!\d)|^(?:0|EAK)\b/.test(text) || /hele landet|i alt/i.test(category.label))
    return { skip: `region ${quote(text)}${category.label !== text ? ` (${category.label})` : ''} is not a municipality` };
  return { error: `region ${quote(text)} has no municipality code (SSB gives K-4204, 4204 or "4204 Kristiansand"; download the table with codes)` };
}

/** SSB's sex codes: 1 menn, 2 kvinner (also their labels). */
export function sexOf(category: SsbCategory): 'M' | 'K' | { error: string } {
  for (const text of [category.code, category.label]) {
    const t = text.trim().toLowerCase();
    if (/^(1|m|menn|mann|males?|men)(\s|$)/.test(t)) return 'M';
    if (/^(2|k|kvinner|kvinne|females?|women)(\s|$)/.test(t)) return 'K';
  }
  return {
    error: `sex ${quote(category.code)}${category.label !== category.code ? ` (${category.label})` : ''} is not 1 (menn) or 2 (kvinner); select the two sexes, not "begge kjønn", when downloading`,
  };
}

export type AgeValue = { from: number; to: number } | { error: string };

/** 000 … 104, 105+, 0-4, "0 år", "105 år eller eldre", "000 0 år"; an open age ends at 120. */
export function ageOf(category: SsbCategory): AgeValue {
  const candidates = [category.code, category.label, category.code.split(/\s+/)[0] ?? ''].map((t) => t.trim().toLowerCase());
  for (const t of candidates) {
    let m = /^(\d{1,3})\s*(?:\+|år\s+(?:eller|og)\s+eldre|years?\s+(?:or|and)\s+(?:older|over))$/.exec(t);
    if (m) return band(Number(m[1]), 120, category);
    m = /^(\d{1,3})\s*[-–]\s*(\d{1,3})(?:\s*(?:år|years?))?$/.exec(t);
    if (m) return band(Number(m[1]), Number(m[2]), category);
    m = /^(\d{1,3})(?:\s*(?:år|years?))?$/.exec(t);
    if (m) return band(Number(m[1]), Number(m[1]), category);
  }
  return { error: `age ${quote(category.code)} is not an age (SSB gives 000 … 104, 105+, "0 år" or "105 år eller eldre"; select single ages, not the total)` };
}

function band(from: number, to: number, category: SsbCategory): AgeValue {
  if (from > to || to > 120) return { error: `age ${quote(category.code)} is not an age band within 0–120` };
  return { from, to };
}

export function yearOf(category: SsbCategory): number | { error: string } {
  const m = /^(\d{4})$/.exec(category.code.trim()) ?? /^(\d{4})$/.exec(category.label.trim());
  if (m && Number(m[1]) >= 1900 && Number(m[1]) <= 2200) return Number(m[1]);
  return { error: `year ${quote(category.code)} is not a year (SSB's Tid: four digits, e.g. 2030)` };
}

/**
 * The projection round: given by the importer; else the year of JSON-stat's `updated` (SSB publishes a
 * round, "Befolkningsframskrivingene 2024", in the year it is named for); else a year after
 * "framskriving"/"vintage"/"projection" in the file name or the title. Null when none says.
 */
export function vintageOf(table: SsbTable, fileName: string, given: string | undefined): string | null {
  if (given) return given;
  const updated = /^(\d{4})-/.exec(table.updated ?? '');
  if (updated) return updated[1]!;
  const named = /(?:framskriv\w*|vintage|projection)[^0-9]{0,3}(\d{4})/i;
  return named.exec(fileName.split(/[\\/]/).pop() ?? '')?.[1] ?? named.exec(table.title)?.[1] ?? null;
}

const quote = (text: string) => JSON.stringify(text);
