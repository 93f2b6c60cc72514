// The byte budget of an analyst answer. DuckDB hands results over in chunks of up to 2048 rows, and a
// chunk of long strings can hold gigabytes (2048 × repeat('x', 3000000) is 6 GB). So before any value
// becomes a JS string, the chunk's size is read from DuckDB's own vector memory (string lengths,
// list offsets): a row above the row cap, or a chunk that would take the answer past the budget, is
// refused there. What passes is converted in slices of a few MB (rowSlices), and the formats count
// the bytes they actually produce against the same budget (ByteBudget.addSent).
import duckdb from '@duckdb/node-bindings';
import {
  DuckDBArrayType, DuckDBListType, DuckDBMapType, DuckDBStructType, DuckDBTypeId, DuckDBUnionType,
  type DuckDBDataChunk, type DuckDBType,
} from '@duckdb/node-api';
import { SqlProblem } from './errors.ts';

const megabyte = 1024 * 1024;

function positiveFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Read per statement, so a changed environment applies to the next one. */
export function byteLimits(): { maxBytes: number; maxRowBytes: number; sliceBytes: number } {
  return {
    /** The whole answer, in every format. */
    maxBytes: positiveFromEnv('STYRINGSDATA_SQL_MAX_BYTES', 1024 * megabyte),
    /** One row: the most that is ever converted to JS values at once. */
    maxRowBytes: positiveFromEnv('STYRINGSDATA_SQL_MAX_ROW_BYTES', 16 * megabyte),
    /** Rows are converted and sent in slices of about this size. */
    sliceBytes: 4 * megabyte,
  };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * megabyte) return `${Number((bytes / (1024 * megabyte)).toFixed(1))} GB`;
  if (bytes >= megabyte) return `${Number((bytes / megabyte).toFixed(1))} MB`;
  return `${Math.round(bytes / 1024)} kB`;
}

export class ByteBudget {
  /** Bytes of result data DuckDB has handed over (measured before conversion). */
  private data = 0;
  /** Bytes written to the answer. */
  private sent = 0;
  constructor(private readonly limits = byteLimits()) {}

  get sliceBytes(): number {
    return this.limits.sliceBytes;
  }

  /** Refuses a chunk with a row above the row cap or that takes the answer past the budget. */
  admitChunk(sizes: Float64Array): void {
    let total = 0;
    for (let row = 0; row < sizes.length; row++) {
      const size = sizes[row]!;
      if (size > this.limits.maxRowBytes) {
        throw new SqlProblem(
          'too_large',
          `One row of the answer holds ${formatBytes(size)}; the workbench sends rows of at most ${formatBytes(this.limits.maxRowBytes)}. Shorten the long values (left(…), a LIMIT inside list(…)) or leave them out.`,
        );
      }
      total += size;
    }
    this.data += total;
    if (this.data > this.limits.maxBytes) throw this.tooLarge();
  }

  addSent(bytes: number): void {
    this.sent += bytes;
    if (this.sent > this.limits.maxBytes) throw this.tooLarge();
  }

  private tooLarge(): SqlProblem {
    return new SqlProblem(
      'too_large',
      `The answer passed ${formatBytes(this.limits.maxBytes)}, the workbench's limit; add a LIMIT, aggregate more or select fewer columns.`,
    );
  }
}

/** Row ranges [from, to) of about `sliceBytes` each (at least one row). */
export function* rowSlices(sizes: Float64Array, sliceBytes: number): Generator<[number, number]> {
  let from = 0;
  let bytes = 0;
  for (let row = 0; row < sizes.length; row++) {
    bytes += sizes[row]!;
    if (bytes >= sliceBytes) {
      yield [from, row + 1];
      from = row + 1;
      bytes = 0;
    }
  }
  if (from < sizes.length) yield [from, sizes.length];
}

/**
 * A lower bound of each row's size in the answer, read from the vectors without converting a value:
 * strings and blobs by their length, lists by their elements, fixed-width values as one byte (the
 * least any format writes for them).
 */
export function rowSizes(chunk: DuckDBDataChunk, types: readonly DuckDBType[]): Float64Array {
  const rows = chunk.rowCount;
  const sizes = new Float64Array(rows);
  types.forEach((type, column) => {
    const entries = vectorSizes(duckdb.data_chunk_get_vector(chunk.chunk, column), type, rows);
    for (let row = 0; row < rows; row++) sizes[row]! += typeof entries === 'number' ? entries : entries[row]!;
  });
  return sizes;
}

type Sizes = Float64Array | number;

function validityOf(vector: duckdb.Vector, count: number): Uint8Array | null {
  return count ? duckdb.vector_get_validity(vector, Math.ceil(count / 64) * 8) : null;
}

function isValid(validity: Uint8Array | null, index: number): boolean {
  return !validity || ((validity[index >> 3]! >> (index & 7)) & 1) === 1;
}

function vectorSizes(vector: duckdb.Vector, type: DuckDBType, count: number): Sizes {
  switch (type.typeId) {
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.BLOB:
    case DuckDBTypeId.BIT:
    case DuckDBTypeId.BIGNUM:
    case DuckDBTypeId.GEOMETRY:
      return stringSizes(vector, count);
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.MAP: {
      const elementType =
        type instanceof DuckDBMapType
          ? new DuckDBStructType(['key', 'value'], [type.keyType, type.valueType])
          : (type as DuckDBListType).valueType;
      const childCount = duckdb.list_vector_get_size(vector);
      const elements = vectorSizes(duckdb.list_vector_get_child(vector), elementType, childCount);
      // Copied out (the binding's array is a view that need not be 8-byte aligned): offset, length per row.
      const entries = new BigUint64Array(count ? new Uint8Array(duckdb.vector_get_data(vector, count * 16)).buffer : new ArrayBuffer(0));
      const validity = validityOf(vector, count);
      const sizes = new Float64Array(count);
      for (let row = 0; row < count; row++) {
        if (!isValid(validity, row)) continue;
        const offset = Number(entries[row * 2]);
        const length = Number(entries[row * 2 + 1]);
        if (typeof elements === 'number') sizes[row] = 2 + length * elements;
        else {
          let sum = 2;
          for (let i = offset; i < offset + length; i++) sum += elements[i]!;
          sizes[row] = sum;
        }
      }
      return sizes;
    }
    case DuckDBTypeId.ARRAY: {
      const arrayType = type as DuckDBArrayType;
      const elements = vectorSizes(duckdb.array_vector_get_child(vector), arrayType.valueType, count * arrayType.length);
      if (typeof elements === 'number') return 2 + arrayType.length * elements;
      const sizes = new Float64Array(count);
      for (let row = 0; row < count; row++) {
        let sum = 2;
        for (let i = row * arrayType.length; i < (row + 1) * arrayType.length; i++) sum += elements[i]!;
        sizes[row] = sum;
      }
      return sizes;
    }
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.UNION: {
      // A UNION is stored as a STRUCT whose first entry is the tag.
      const entryTypes = type instanceof DuckDBUnionType ? [null, ...type.memberTypes] : (type as DuckDBStructType).entryTypes;
      let uniform = 2;
      let sizes: Float64Array | null = null;
      entryTypes.forEach((entryType, index) => {
        if (!entryType) return;
        const entry = vectorSizes(duckdb.struct_vector_get_child(vector, index), entryType, count);
        if (typeof entry === 'number') uniform += entry;
        else {
          sizes ??= new Float64Array(count);
          for (let row = 0; row < count; row++) sizes[row]! += entry[row]!;
        }
      });
      if (!sizes) return uniform;
      const perRow: Float64Array = sizes;
      for (let row = 0; row < count; row++) perRow[row]! += uniform;
      return perRow;
    }
    case DuckDBTypeId.VARIANT:
      throw new SqlProblem('sql_refused', 'VARIANT columns cannot be sent; cast them to VARCHAR or JSON.');
    default:
      return 1;
  }
}

/** duckdb_string_t is 16 bytes: the length (uint32, little-endian) first, then the prefix or inline text. */
function stringSizes(vector: duckdb.Vector, count: number): Float64Array {
  const sizes = new Float64Array(count);
  if (!count) return sizes;
  const data = duckdb.vector_get_data(vector, count * 16);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const validity = validityOf(vector, count);
  for (let i = 0; i < count; i++) if (isValid(validity, i)) sizes[i] = view.getUint32(i * 16, true);
  return sizes;
}
