// Row values for JSON, CSV and Arrow's text columns, converted a slice of rows at a time (budget.ts). DuckDB's JSON converter gives strings for
// BIGINT, HUGEINT and DECIMAL (to stay exact); analysts want numbers, so those become numbers when
// they fit a double exactly enough for the purpose (integers up to 2^53, decimals as doubles).
import { DuckDBTypeId, JsonDuckDBValueConverter, type DuckDBDataChunk, type DuckDBType, type Json } from '@duckdb/node-api';

const bigIntegerTypes = new Set<DuckDBTypeId>([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT]);

export type ColumnFix = ((value: Json) => Json) | null;

export function columnFixes(types: DuckDBType[]): ColumnFix[] {
  return types.map((type) => {
    if (bigIntegerTypes.has(type.typeId)) {
      return (value) => {
        if (typeof value !== 'string') return value;
        const number = Number(value);
        return Number.isSafeInteger(number) ? number : value;
      };
    }
    if (type.typeId === DuckDBTypeId.DECIMAL) return (value) => (typeof value === 'string' ? Number(value) : value);
    return null;
  });
}

/**
 * Rows [from, to) of one column as JSON-ready values. Each call converts through a fresh slice of the
 * vector: the chunk's own vector would keep every converted value in its cache until the chunk is
 * done, which for a chunk of long strings is the very heap growth the slices exist to avoid.
 */
export function sliceColumn(chunk: DuckDBDataChunk, index: number, from: number, to: number, fix: ColumnFix): Json[] {
  const vector = chunk.getColumnVector(index).slice(from, to - from);
  const type = vector.type;
  const values: Json[] = new Array(to - from);
  for (let r = 0; r < values.length; r++) {
    const value = JsonDuckDBValueConverter(vector.getItem(r), type, JsonDuckDBValueConverter);
    values[r] = fix ? fix(value) : value;
  }
  return values;
}

/** Rows [from, to) as columns of JSON-ready values. */
export function sliceColumns(chunk: DuckDBDataChunk, from: number, to: number, fixes: ColumnFix[]): Json[][] {
  return fixes.map((fix, index) => sliceColumn(chunk, index, from, to, fix));
}

export function isNumericType(type: DuckDBType): boolean {
  return numericTypes.has(type.typeId);
}

const numericTypes = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT, DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT, DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE, DuckDBTypeId.DECIMAL,
]);
