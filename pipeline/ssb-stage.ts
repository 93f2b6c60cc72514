// From an SSB table (ssb-table.ts) to a staged CSV of our columns in the import directory: every
// category is interpreted once (region through the code history, sex, age, year, alternative), a
// category SSB's table has but we cannot use rejects the file at the line that gives it, and every
// value is checked as it is written (a number ≥ 0, whole for registered population). A staged row is
// the value's cell number in the cube (its categories' numbers in mixed radix), the value and its line:
// three numbers instead of ten columns spelled out, a fraction of the bytes to write and to parse;
// `stagedSelect` turns the cell number back into the interpreted categories in SQL (bench/ssb.ts).
// Written with synchronous 1 MiB writes, so a national table streams to disk without being held as rows.
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ImportError } from '../contract/types.ts';
import { sqlString } from './sql-quote.ts';
import { ageOf, alternativeCode, regionOf, sexOf, vintageOf, yearOf, type SsbDimension, type SsbTable } from './ssb-table.ts';

export type SsbTarget = 'population' | 'population_projection';

/** Column names and DuckDB types of the staged file, per target (the INSERT's column list too). */
export const stagedColumns: Record<SsbTarget, [string, string][]> = {
  population_projection: [
    ['vintage', 'VARCHAR'], ['alternative', 'VARCHAR'], ['municipality_code', 'VARCHAR'], ['municipality_code_raw', 'VARCHAR'],
    ['year', 'INTEGER'], ['sex', 'VARCHAR'], ['age_from', 'SMALLINT'], ['age_to', 'SMALLINT'], ['count', 'DOUBLE'], ['source_line', 'INTEGER'],
  ],
  population: [
    ['municipality_code', 'VARCHAR'], ['municipality_code_raw', 'VARCHAR'], ['year', 'INTEGER'], ['sex', 'VARCHAR'], ['sex_raw', 'VARCHAR'],
    ['age_from', 'SMALLINT'], ['age_to', 'SMALLINT'], ['age_raw', 'VARCHAR'], ['count', 'INTEGER'], ['source_line', 'INTEGER'],
  ],
};

export interface StagedTable {
  target: SsbTarget;
  path: string;
  vintage: string | null;
  alternatives: string[];
  years: [number, number];
  rowsWritten: number;
  /** SQL expressions of the target's columns (stagedColumns' order) over the staged row `f` (see stagedSelect). */
  columns: string[];
  /** Row-level problems (values); the first `maxErrors` are kept, `rejectedLines` counts them all. */
  errors: ImportError[];
  rejectedLines: number;
  warnings: string[];
}

export type Staging = { ok: true; staged: StagedTable } | { ok: false; errors: ImportError[]; target: SsbTarget | null };

const maxErrors = 1000;
/** Cells of one table (the product of its dimensions' sizes): 2^31, a bit each is 256 MiB at most. */
export const maxCells = 2 ** 31;
const text = (value: string) => sqlString(value);

export async function stageSsbTable(
  connection: DuckDBConnection,
  table: SsbTable,
  context: { fileName: string; importDirectory: string; vintage?: string; now: string },
): Promise<Staging> {
  const byRole = (role: SsbDimension['role']) => table.dimensions.findIndex((d) => d.role === role);
  const contents = byRole('contents');
  const explicit = byRole('alternative');
  const contentsAreAlternatives =
    explicit < 0 && contents >= 0 && table.dimensions[contents]!.categories.some((c) => alternativeCode(c) !== null || /alternativ/i.test(c.label));
  const alternativeDim = explicit >= 0 ? explicit : contentsAreAlternatives ? contents : -1;
  const target: SsbTarget = alternativeDim >= 0 ? 'population_projection' : 'population';
  const errors: ImportError[] = [];
  const categoryError = (dimension: SsbDimension, index: number, message: string) =>
    errors.push({ line: dimension.categories[index]!.line, column: dimension.id, message });

  if (contents >= 0 && contents !== alternativeDim && table.dimensions[contents]!.categories.length > 1) {
    const d = table.dimensions[contents]!;
    categoryError(d, 1, `${d.id} has ${d.categories.length} variables (${d.categories.map((c) => c.label).join(', ')}); select only the population (persons)`);
  }
  const vintage = target === 'population_projection' ? vintageOf(table, context.fileName, context.vintage) : null;
  if (target === 'population_projection' && !vintage)
    errors.push({ line: null, column: null, message: 'the projection round (vintage) is unknown: the file has no "updated" date; name the file e.g. framskriving_2024.csv or give the vintage when importing' });

  const codeMap = await municipalityCodes(connection);
  const [region, sex, age, year] = (['region', 'sex', 'age', 'year'] as const).map((role) => table.dimensions[byRole(role)]!);
  const currentYear = Number(context.now.slice(0, 4));
  const regionParts = region!.categories.map((category, i): { skip: string } | { code: string; raw: string } | undefined => {
    const value = regionOf(category);
    if ('error' in value) return void categoryError(region!, i, value.error);
    if ('skip' in value) return { skip: value.skip };
    const known = codeMap.get(value.code);
    if (!known) return void categoryError(region!, i, `region ${JSON.stringify(category.code)}: ${value.code} is not a known municipality code (current or historical)`);
    return { code: text(known), raw: text(rawCode(category.code)) };
  });
  const sexParts = sex!.categories.map((category, i) => {
    const value = sexOf(category);
    if (typeof value !== 'string') return void categoryError(sex!, i, value.error);
    return { sex: text(value), raw: text(category.code) };
  });
  const ageParts = age!.categories.map((category, i) => {
    const value = ageOf(category);
    if ('error' in value) return void categoryError(age!, i, value.error);
    return { from: value.from, to: value.to, raw: text(category.code) };
  });
  const yearValues = year!.categories.map((category, i) => {
    const value = yearOf(category);
    if (typeof value !== 'number') return void categoryError(year!, i, value.error);
    if (target === 'population' && value > currentYear)
      return void categoryError(year!, i, `year ${value} is after ${currentYear}, the year of this import, and the table has no projection alternative: registered population cannot lie in the future (import SSB's projection table, e.g. 14288, instead)`);
    return value;
  });
  const alternatives = alternativeDim >= 0 ? table.dimensions[alternativeDim]!.categories.map((c) => alternativeCode(c) ?? c.code) : [];
  // A value is staged by its cell number in the cube, and a CSV's repeated rows are found by a bit per
  // cell: both need the cube bounded (SSB's national projection has 6.6 M cells).
  const sizes = table.dimensions.map((d) => d.categories.length);
  const cellCount = sizes.reduce((product, size) => product * size, 1);
  if (cellCount > maxCells)
    errors.push({ line: null, column: null, message: `the table's categories (${table.dimensions.map((d) => `${d.categories.length} ${d.id}`).join(' × ')}) span ${cellCount.toExponential(2)} cells; at most ${maxCells} are read in one file: split it, e.g. by region` });
  if (errors.length > 0) return { ok: false, errors, target };

  const staged: StagedTable = {
    target,
    path: join(context.importDirectory, `staging-${randomUUID()}.csv`),
    vintage,
    alternatives: [...new Set(alternatives)],
    years: [Math.min(...(yearValues as number[])), Math.max(...(yearValues as number[]))],
    rowsWritten: 0,
    columns: [],
    errors: [],
    rejectedLines: 0,
    warnings: [],
  };
  // Dimension d's category number is (cell // strides[d]) % sizes[d]; SQL lists are 1-based.
  const strides = sizes.map((_, d) => sizes.slice(d + 1).reduce((product, size) => product * size, 1));
  const pick = (dimension: SsbDimension, list: (string | number | undefined)[]) => {
    const d = table.dimensions.indexOf(dimension);
    return `[${list.map((item) => item ?? 'NULL').join(', ')}][(f.cell // ${strides[d]}) % ${sizes[d]} + 1]`;
  };
  const regionOfCell = (field: 'code' | 'raw') => pick(region!, regionParts.map((part) => (part && !('skip' in part) ? part[field] : undefined)));
  const common = {
    code: regionOfCell('code'),
    raw: regionOfCell('raw'),
    year: pick(year!, yearValues),
    sex: pick(sex!, sexParts.map((part) => part!.sex)),
    from: pick(age!, ageParts.map((part) => part!.from)),
    to: pick(age!, ageParts.map((part) => part!.to)),
  };
  const sourceLine = 'coalesce(f.source_line, f.cell + 1)';
  staged.columns =
    target === 'population_projection'
      ? [text(vintage!), pick(table.dimensions[alternativeDim]!, alternatives.map(text)), common.code, common.raw, common.year, common.sex, common.from, common.to, 'f.count', sourceLine]
      : [common.code, common.raw, common.year, common.sex, pick(sex!, sexParts.map((part) => part!.raw)), common.from, common.to,
          pick(age!, ageParts.map((part) => part!.raw)), 'f.count::INTEGER', sourceLine];
  const r = table.dimensions.indexOf(region!);
  const skippedRegions = new Map<string, number>();
  let empty = 0;
  const duplicates = table.format === 'statbank-csv' ? new DuplicateFinder(cellCount) : null;
  const file = openSync(staged.path, 'w', 0o600);
  try {
    let chunk = '';
    table.forEachCell((categories, value, line, position) => {
      const regionPart = regionParts[categories[r]!]!;
      if ('skip' in regionPart) return void skippedRegions.set(regionPart.skip, (skippedRegions.get(regionPart.skip) ?? 0) + 1);
      if (value === null) return void empty++;
      let cell = 0;
      for (let d = 0; d < categories.length; d++) cell += categories[d]! * strides[d]!;
      const problem =
        Number.isNaN(value) ? 'is not a number'
        : value < 0 ? `is ${value}, below 0`
        : target === 'population' && !Number.isInteger(value) ? `is ${value}, not a whole number of persons`
        : duplicates?.seen(cell) ? 'repeats an earlier row with the same region, sex, age, year and variable'
        : null;
      if (problem) {
        staged.rejectedLines++;
        if (staged.errors.length < maxErrors) staged.errors.push({ line, column: table.columnOf?.(position) ?? table.valueColumn, message: `${describeCell(table, categories, position)} ${problem}` });
        return;
      }
      // JSON-stat's "line" is the value's position, which the cell number already is (less one).
      chunk += table.format === 'json-stat' ? `${cell},${value},\n` : `${cell},${value},${line}\n`;
      staged.rowsWritten++;
      if (chunk.length > 1 << 20) (writeSync(file, chunk), (chunk = ''));
    });
    writeSync(file, chunk);
  } finally {
    closeSync(file);
  }
  for (const [reason, count] of skippedRegions) staged.warnings.push(`${reason}: its ${count} value${count > 1 ? 's were' : ' was'} skipped`);
  if (empty > 0) staged.warnings.push(`${empty} value${empty > 1 ? 's are' : ' is'} empty in SSB's table (.., . or :) and ${empty > 1 ? 'were' : 'was'} skipped`);
  return { ok: true, staged };
}

/** The staged rows as the target's columns (stagedColumns' order), categories from the cell number. */
export function stagedSelect(staged: StagedTable): string {
  return `SELECT ${staged.columns.join(', ')}
    FROM read_csv(${sqlString(staged.path)}, header = false, auto_detect = false, delim = ',',
      columns = {'cell': 'BIGINT', 'count': 'DOUBLE', 'source_line': 'INTEGER'}) f`;
}

/** "value 17 (Region K-4204, Kjonn 2, Alder 105+, Tid 2030)" for JSON-stat; the row's labels for CSV (the line says where). */
function describeCell(table: SsbTable, categories: ArrayLike<number>, position: number): string {
  const labels = table.dimensions.map((d, i) => `${d.id} ${d.categories[categories[i]!]!.code}`).join(', ');
  return table.format === 'json-stat' ? `value ${position} (${labels})` : `the value (${labels})`;
}

/** K-4204 → K-4204; "4204 Kristiansand" → 4204: the code as SSB gave it, without the name. */
function rawCode(text: string): string {
  return text.trim().split(/\s+/)[0]!;
}

async function municipalityCodes(connection: DuckDBConnection): Promise<Map<string, string>> {
  const rows = (await connection.runAndReadAll('SELECT code, current_code FROM municipality_code_map')).getRows();
  return new Map(rows.map(([code, current]) => [String(code), String(current)]));
}

/** A CSV can repeat a row (a cube cannot): one bit per cell of the cube. */
class DuplicateFinder {
  private readonly bits: Uint8Array;
  constructor(cells: number) {
    this.bits = new Uint8Array(Math.ceil(cells / 8));
  }
  seen(cell: number): boolean {
    const mask = 1 << (cell & 7);
    const was = (this.bits[cell >>> 3]! & mask) !== 0;
    this.bits[cell >>> 3]! |= mask;
    return was;
  }
}
