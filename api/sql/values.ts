// Row values for JSON and CSV, converted a chunk at a time. DuckDB's JSON converter gives strings for
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

/** The chunk's columns as JSON-ready arrays. */
export function chunkColumns(chunk: DuckDBDataChunk, fixes: ColumnFix[]): Json[][] {
  const columns = chunk.convertColumns(JsonDuckDBValueConverter) as Json[][];
  for (let c = 0; c < columns.length; c++) {
    const fix = fixes[c];
    const column = columns[c]!;
    if (fix) for (let r = 0; r < column.length; r++) column[r] = fix(column[r]!);
  }
  return columns;
}

/** One column of the chunk as JSON-ready values. */
export function chunkColumn(chunk: DuckDBDataChunk, index: number, fix: ColumnFix): Json[] {
  const column = chunk.convertColumnValues(index, JsonDuckDBValueConverter) as Json[];
  if (fix) for (let r = 0; r < column.length; r++) column[r] = fix(column[r]!);
  return column;
}

/** The chunk's rows as JSON-ready arrays (values in column order). */
export function chunkRows(chunk: DuckDBDataChunk, fixes: ColumnFix[]): Json[][] {
  const columns = chunkColumns(chunk, fixes);
  const rows: Json[][] = new Array(chunk.rowCount);
  for (let r = 0; r < chunk.rowCount; r++) {
    const row: Json[] = new Array(columns.length);
    for (let c = 0; c < columns.length; c++) row[c] = columns[c]![r]!;
    rows[r] = row;
  }
  return rows;
}

export function isNumericType(type: DuckDBType): boolean {
  return numericTypes.has(type.typeId);
}

const numericTypes = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT, DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT, DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE, DuckDBTypeId.DECIMAL,
]);
