// Arrow IPC stream built column-wise from DuckDB's chunks: one record batch per slice of a chunk
// (budget.ts: usually the whole chunk, a few MB when its values are long); numbers, dates
// and timestamps are copied as typed arrays straight from the vector memory with DuckDB's validity
// mask as the null bitmap (both are LSB-first bit sets), strings are dictionary-encoded per batch.
// Building Arrow value by value through JS objects is as slow as JSON (engineering notes), so only
// strings and the rare types below go through JS values. The bindings have no Arrow export (1.5.6).
//
// DuckDB → Arrow: integers/floats same width; DATE → Date32 (days); TIMESTAMP[_S|_MS|_NS|_TZ] →
// Timestamp(unit[, UTC]); BOOLEAN → Bool; VARCHAR → Dictionary<Utf8, Int32>; DECIMAL, HUGEINT,
// UHUGEINT → Float64 (as in JSON); everything else (lists, structs, intervals, UUID…) → Utf8 text.
import duckdb from '@duckdb/node-bindings';
import { DuckDBTypeId, type DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';
import {
  Bool, DateDay, Dictionary, Field, Float32, Float64, Int16, Int32, Int64, Int8, RecordBatch,
  RecordBatchStreamWriter, Schema, Struct, TimeUnit, Timestamp, Uint16, Uint32, Uint64, Uint8, Utf8,
  makeData, vectorFromArray, type Data, type DataType,
} from 'apache-arrow';
import type { RunningQuery } from '../run.ts';
import { columnFixes, sliceColumn } from '../values.ts';

type TypedArrayConstructor =
  | Int8ArrayConstructor | Int16ArrayConstructor | Int32ArrayConstructor | BigInt64ArrayConstructor
  | Uint8ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor | BigUint64ArrayConstructor
  | Float32ArrayConstructor | Float64ArrayConstructor;

type ColumnPlan =
  | { kind: 'fixed'; arrow: DataType; array: TypedArrayConstructor }
  | { kind: 'bool'; arrow: DataType }
  | { kind: 'dictionary'; arrow: Dictionary<Utf8, Int32> }
  | { kind: 'double'; arrow: DataType }
  | { kind: 'text'; arrow: DataType };

function planColumn(type: DuckDBType, index: number): ColumnPlan {
  const fixed = (arrow: DataType, array: TypedArrayConstructor): ColumnPlan => ({ kind: 'fixed', arrow, array });
  switch (type.typeId) {
    case DuckDBTypeId.TINYINT: return fixed(new Int8(), Int8Array);
    case DuckDBTypeId.SMALLINT: return fixed(new Int16(), Int16Array);
    case DuckDBTypeId.INTEGER: return fixed(new Int32(), Int32Array);
    case DuckDBTypeId.BIGINT: return fixed(new Int64(), BigInt64Array);
    case DuckDBTypeId.UTINYINT: return fixed(new Uint8(), Uint8Array);
    case DuckDBTypeId.USMALLINT: return fixed(new Uint16(), Uint16Array);
    case DuckDBTypeId.UINTEGER: return fixed(new Uint32(), Uint32Array);
    case DuckDBTypeId.UBIGINT: return fixed(new Uint64(), BigUint64Array);
    case DuckDBTypeId.FLOAT: return fixed(new Float32(), Float32Array);
    case DuckDBTypeId.DOUBLE: return fixed(new Float64(), Float64Array);
    case DuckDBTypeId.DATE: return fixed(new DateDay(), Int32Array);
    case DuckDBTypeId.TIMESTAMP: return fixed(new Timestamp(TimeUnit.MICROSECOND), BigInt64Array);
    case DuckDBTypeId.TIMESTAMP_TZ: return fixed(new Timestamp(TimeUnit.MICROSECOND, 'UTC'), BigInt64Array);
    case DuckDBTypeId.TIMESTAMP_S: return fixed(new Timestamp(TimeUnit.SECOND), BigInt64Array);
    case DuckDBTypeId.TIMESTAMP_MS: return fixed(new Timestamp(TimeUnit.MILLISECOND), BigInt64Array);
    case DuckDBTypeId.TIMESTAMP_NS: return fixed(new Timestamp(TimeUnit.NANOSECOND), BigInt64Array);
    case DuckDBTypeId.BOOLEAN: return { kind: 'bool', arrow: new Bool() };
    case DuckDBTypeId.VARCHAR: return { kind: 'dictionary', arrow: new Dictionary(new Utf8(), new Int32(), index) };
    case DuckDBTypeId.DECIMAL:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT: return { kind: 'double', arrow: new Float64() };
    default: return { kind: 'text', arrow: new Utf8() };
  }
}

/** Arrow's null bitmap for rows [from, to), copied out of DuckDB's validity mask (undefined = all valid). */
function nullBitmap(vector: duckdb.Vector, from: number, to: number): Uint8Array | undefined {
  const mask = duckdb.vector_get_validity(vector, Math.ceil(to / 64) * 8);
  if (!mask) return undefined;
  if (from === 0) return new Uint8Array(mask.subarray(0, Math.ceil(to / 8)));
  const bits = new Uint8Array(Math.ceil((to - from) / 8));
  for (let i = from; i < to; i++) if ((mask[i >> 3]! >> (i & 7)) & 1) bits[(i - from) >> 3]! |= 1 << ((i - from) & 7);
  return bits;
}

function columnData(plan: ColumnPlan, chunk: DuckDBDataChunk, index: number, from: number, to: number, values: (index: number) => unknown[]): Data {
  const length = to - from;
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, index);
  const bitmap = nullBitmap(vector, from, to);
  const nulls = { nullBitmap: bitmap, nullCount: bitmap ? -1 : 0 };
  switch (plan.kind) {
    case 'fixed': {
      const width = plan.array.BYTES_PER_ELEMENT;
      // A copy (the binding's array is a view of DuckDB's vector memory, freed with the chunk).
      const bytes = new Uint8Array(duckdb.vector_get_data(vector, to * width).subarray(from * width, to * width));
      const data = new plan.array(bytes.buffer, 0, length);
      return makeData({ type: plan.arrow, length, ...nulls, data } as never);
    }
    case 'bool': {
      const bytes = duckdb.vector_get_data(vector, to);
      const bits = new Uint8Array(Math.ceil(length / 8));
      for (let i = 0; i < length; i++) if (bytes[from + i]) bits[i >> 3]! |= 1 << (i & 7);
      return makeData({ type: plan.arrow, length, ...nulls, data: bits } as never);
    }
    case 'dictionary': {
      // A fresh slice of the vector, so its cache of decoded strings goes with this batch.
      const column = chunk.getColumnVector(index).slice(from, length);
      const positions = new Map<string, number>();
      const words: string[] = [];
      const indices = new Int32Array(length);
      for (let i = 0; i < length; i++) {
        const word = column.getItem(i) as string | null;
        if (word === null) continue;
        let position = positions.get(word);
        if (position === undefined) {
          position = words.length;
          positions.set(word, position);
          words.push(word);
        }
        indices[i] = position;
      }
      const dictionary = vectorFromArray(words, new Utf8());
      return makeData({ type: plan.arrow, length, ...nulls, data: indices, dictionary });
    }
    case 'double': {
      const column = values(index);
      return vectorFromArray(column.map((v) => (v === null ? null : Number(v))), new Float64()).data[0]!;
    }
    case 'text': {
      const column = values(index);
      const texts = column.map((v) => (v === null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v)));
      return vectorFromArray(texts, new Utf8()).data[0]!;
    }
  }
}

export async function* arrowBody(query: RunningQuery): AsyncGenerator<Uint8Array> {
  const plans = query.types.map(planColumn);
  const fields = query.columns.map((column, i) => new Field(column.name, plans[i]!.arrow, true));
  const schema = new Schema(fields);
  const fixes = columnFixes(query.types);
  const writer = new RecordBatchStreamWriter();
  const ready: Uint8Array[] = [];
  const pump = (async () => {
    for await (const bytes of writer) ready.push(bytes);
  })();
  writer.reset(undefined, schema);
  const collect = function* () {
    while (ready.length) {
      const bytes = ready.shift()!;
      query.budget.addSent(bytes.byteLength);
      yield bytes;
    }
  };
  try {
    for await (const { chunk, slices } of query.chunks()) {
      for (const [from, to] of slices) {
        // Only the rare columns without a typed-array mapping go through JS values, one column at a time.
        const values = (index: number) => sliceColumn(chunk, index, from, to, fixes[index] ?? null);
        const children = plans.map((plan, i) => columnData(plan, chunk, i, from, to, values));
        const data = makeData({ type: new Struct(fields), length: to - from, nullCount: 0, children });
        writer.write(new RecordBatch(schema, data));
        await new Promise((resolve) => setImmediate(resolve)); // let the pump collect the batch's bytes
        yield* collect();
      }
    }
  } finally {
    writer.finish();
    await pump;
  }
  yield* collect();
}
