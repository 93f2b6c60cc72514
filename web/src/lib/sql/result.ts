// A query result decoded from Arrow for the grid and the chart. The columns stay Arrow vectors: the
// grid reads only the cells it shows, so 100 000 rows cost no row objects.
import { DataType, tableFromIPC, type Table } from 'apache-arrow';

export interface ResultColumn {
  name: string;
  /** 'number' | 'date' | 'timestamp' | 'boolean' | 'text' */
  kind: 'number' | 'date' | 'timestamp' | 'boolean' | 'text';
}

export interface QueryResult {
  columns: ResultColumn[];
  rowCount: number;
  truncated: boolean;
  /** Raw cell value: number, string, boolean or null (dates and timestamps as epoch milliseconds). */
  value(row: number, column: number): number | string | boolean | null;
  /** Cell as text for the grid. */
  text(row: number, column: number): string;
}

function kindOf(type: DataType): ResultColumn['kind'] {
  if (DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type)) return 'number';
  if (DataType.isDate(type)) return 'date';
  if (DataType.isTimestamp(type)) return 'timestamp';
  if (DataType.isBool(type)) return 'boolean';
  return 'text';
}

/** Decodes an Arrow IPC stream; `shown` rows are kept, more means the server had more (truncated). */
export function decodeResult(bytes: Uint8Array, shown: number): QueryResult {
  const table: Table = tableFromIPC(bytes);
  const columns = table.schema.fields.map((field) => ({ name: field.name, kind: kindOf(field.type) }));
  const vectors = columns.map((_, i) => table.getChildAt(i)!);
  const rowCount = Math.min(table.numRows, shown);
  const value = (row: number, column: number) => {
    const raw = vectors[column]!.get(row) as unknown;
    if (raw === null || raw === undefined) return null;
    if (typeof raw === 'bigint') return Number(raw);
    if (raw instanceof Date) return raw.getTime();
    if (typeof raw === 'number' || typeof raw === 'string' || typeof raw === 'boolean') return raw;
    return String(raw);
  };
  return {
    columns,
    rowCount,
    truncated: table.numRows > shown,
    value,
    text(row, column) {
      const v = value(row, column);
      if (v === null) return '';
      const kind = columns[column]!.kind;
      if (kind === 'date' && typeof v === 'number') return new Date(v).toISOString().slice(0, 10);
      if (kind === 'timestamp' && typeof v === 'number') return new Date(v).toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '');
      if (kind === 'number' && typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6);
      return String(v);
    },
  };
}
