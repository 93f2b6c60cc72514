// Metric and compare answers as Arrow IPC (stream format) for `Accept: application/vnd.apache.arrow.stream`.
// Built column by column (one typed vector per field, never row objects), one column per field the
// rows carry. Response-level fields (metric, unit, period range, and for compare the funnel and
// variation) travel as JSON in the schema metadata under "styringsdata".
import {
  Bool,
  Field,
  Float64,
  Int32,
  List,
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

// Every field a row can carry, typed as a record over MetricRow's keys: a field added to the contract
// and missing here is a type error, so Arrow always carries what the JSON carries.
const columnTypes: Record<keyof MetricRow, () => DataType> = {
  municipality: () => new Utf8(),
  unit: () => new Utf8(),
  period: () => new Utf8(),
  numerator: () => new Float64(),
  denominator: () => new Float64(),
  value: () => new Float64(),
  ciLow: () => new Float64(),
  ciHigh: () => new Float64(),
  suppressed: () => new Bool(),
  protected: () => new Bool(),
  standardised: () => new Float64(),
  standardisedCiLow: () => new Float64(),
  standardisedCiHigh: () => new Float64(),
  stays: () => new Float64(),
  patients: () => new Float64(),
  costNok: () => new Float64(),
  dailyRateNok: () => new Float64(),
  dailyRates: () => new List(new Field('item', new Struct([new Field('year', new Int32(), false), new Field('nok', new Float64(), false)]), false)),
  missingRateYears: () => new List(new Field('item', new Int32(), false)),
  meanDaysPerStay: () => new Float64(),
  expected: () => new Float64(),
};
const columns = Object.entries(columnTypes).map(([name, type]) => ({ name: name as keyof MetricRow, type }));

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
