// CSV for spreadsheets. Norwegian Excel wants ';' between fields, a decimal comma and a UTF-8 BOM to
// read æøå; those are options. Text cells that begin with = + - @ (or a tab/CR) would run as
// formulas in Excel, so they get a leading apostrophe (OWASP "CSV injection"); numbers are left alone.
// Written a slice of rows at a time and counted against the byte budget; past it the stream breaks
// off (a download cannot change its status once it has started).
import type { Json } from '@duckdb/node-api';
import type { RunningQuery } from '../run.ts';
import { columnFixes, isNumericType, sliceColumns } from '../values.ts';

export interface CsvOptions {
  delimiter: ',' | ';' | '\t';
  bom: boolean;
  decimalComma: boolean;
}

export async function* csvBody(query: RunningQuery, options: CsvOptions): AsyncGenerator<string> {
  const fixes = columnFixes(query.types);
  const numeric = query.types.map(isNumericType);
  const { delimiter } = options;
  const decimalComma = options.decimalComma && delimiter !== ',';
  yield (options.bom ? '\uFEFF' : '') + query.columns.map((column) => csvCell(column.name, delimiter)).join(delimiter) + '\r\n';
  for await (const { chunk, slices } of query.chunks()) {
    for (const [from, to] of slices) {
      const columns = sliceColumns(chunk, from, to, fixes);
      let text = '';
      for (let r = 0; r < to - from; r++) {
        for (let c = 0; c < columns.length; c++) {
          if (c) text += delimiter;
          const value = columns[c]![r]!;
          text += numeric[c] ? numberCell(value, decimalComma) : csvCell(value, delimiter);
        }
        text += '\r\n';
      }
      query.budget.addSent(Buffer.byteLength(text));
      yield text;
    }
  }
}

function numberCell(value: Json, decimalComma: boolean): string {
  if (value === null) return '';
  const text = String(value);
  return decimalComma ? text.replace('.', ',') : text;
}

export function csvCell(value: Json, delimiter: string): string {
  if (value === null) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return text.includes(delimiter) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
