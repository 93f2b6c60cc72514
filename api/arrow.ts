// Metric and compare answers as Arrow IPC (stream format) for `Accept: application/vnd.apache.arrow.stream`.
// Built column by column (one typed vector per field, never row objects), one column per field the
// rows carry. Response-level fields (metric, unit, period range, and for compare the funnel and
// variation) travel as JSON in the schema metadata under "styringsdata".
import {
  Bool,
  Field,
  Float64,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Utf8,
  makeData,
  tableToIPC,
  vectorFromArray,
  type DataType,
} from 'apache-arrow';
import { declarationOf, type MetricResponse, type MetricRow } from '../contract/types.ts';

export const arrowMediaType = 'application/vnd.apache.arrow.stream';

const columns: { name: keyof MetricRow; type: () => DataType }[] = [
  { name: 'municipality', type: () => new Utf8() },
  { name: 'unit', type: () => new Utf8() },
  { name: 'period', type: () => new Utf8() },
  { name: 'numerator', type: () => new Float64() },
  { name: 'denominator', type: () => new Float64() },
  { name: 'value', type: () => new Float64() },
  { name: 'ciLow', type: () => new Float64() },
  { name: 'ciHigh', type: () => new Float64() },
  { name: 'suppressed', type: () => new Bool() },
  { name: 'standardised', type: () => new Float64() },
  { name: 'standardisedCiLow', type: () => new Float64() },
  { name: 'standardisedCiHigh', type: () => new Float64() },
  { name: 'stays', type: () => new Float64() },
  { name: 'patients', type: () => new Float64() },
  { name: 'costNok', type: () => new Float64() },
  { name: 'expected', type: () => new Float64() },
];

export function acceptsArrow(accept: string | undefined): boolean {
  return (accept ?? '').toLowerCase().includes(arrowMediaType);
}

export function metricResponseToArrow(response: MetricResponse): Uint8Array {
  const { rows, ...meta } = response;
  const always = ['period', 'numerator', 'denominator', 'value', 'ciLow', 'ciHigh', 'suppressed'];
  always.push(declarationOf(response.metric)?.perUnit ? 'unit' : 'municipality');
  const present = columns.filter(
    (column) => always.includes(column.name) || rows.some((row) => row[column.name] !== undefined),
  );
  const fields: Field[] = [];
  const vectors = present.map((column) => {
    const type = column.type();
    fields.push(new Field(column.name, type, true));
    return vectorFromArray(
      rows.map((row) => normalise(row[column.name])),
      type,
    );
  });
  const schema = new Schema(fields, new Map([['styringsdata', JSON.stringify(meta)]]));
  const data = makeData({
    type: new Struct(fields),
    length: rows.length,
    nullCount: 0,
    children: vectors.map((vector) => vector.data[0]!),
  });
  const table = new Table([new RecordBatch(schema, data)]);
  return tableToIPC(table, 'stream');
}

function normalise(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  return value;
}
