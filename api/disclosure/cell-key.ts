// Cell keys (docs/disclosure-control.md): a cell's key is the sum of its records' keys modulo 1, so
// the same set of records has the same key however the question was put — in any order, whatever
// parts the set was assembled from. Computed on integer key units (record-key.ts): a float sum of
// thousands of keys in [0, 1) would depend on the order of addition and break that guarantee.
import { keyUnitsPerOne } from './record-key.ts';

/** (a + b) mod 2^52 for key units a, b in [0, 2^52): the sum is below 2^53, so exact in a number. */
export function addKeyUnits(a: number, b: number): number {
  const sum = a + b;
  return sum >= keyUnitsPerOne ? sum - keyUnitsPerOne : sum;
}

/** (a − b) mod 2^52: the key of the records of a cell that are not in its sub-cell (b ⊆ a). */
export function subtractKeyUnits(a: number, b: number): number {
  const difference = a - b;
  return difference < 0 ? difference + keyUnitsPerOne : difference;
}

function checkUnits(units: number): number {
  if (!Number.isSafeInteger(units) || units < 0 || units >= keyUnitsPerOne) {
    throw new RangeError(`A key in key units must be an integer from 0 to 2^52 − 1; got ${units}.`);
  }
  return units;
}

/** The cell key, in key units, of the records with these keys (key units each). 0 for no records. */
export function cellKeyUnits(recordKeys: Iterable<number>): number {
  let key = 0;
  for (const units of recordKeys) key = addKeyUnits(key, checkUnits(units));
  return key;
}

/** The cell key of a union of disjoint cells, from their cell keys. */
export function combineCellKeys(cellKeys: Iterable<number>): number {
  return cellKeyUnits(cellKeys);
}

/**
 * A DuckDB aggregate expression that gives the cell key, in key units, of the rows of a group, from a
 * column of record keys in key units (UBIGINT): HUGEINT sums are exact, the modulo makes it a key.
 * Sum each record once: with one row per night, sum the stay's key over DISTINCT stays.
 */
export function cellKeySql(recordKeyColumn: string): string {
  return `(coalesce(sum(${recordKeyColumn}::HUGEINT), 0) % ${keyUnitsPerOne})::BIGINT`;
}

/** Key units → the key in [0, 1) (exact: a 52-bit integer over 2^52). */
export function keyOfUnits(units: number): number {
  return checkUnits(units) / keyUnitsPerOne;
}

/** A key in [0, 1) → key units (exact for keys that came from keyOfUnits). */
export function unitsOfKey(key: number): number {
  if (!(key >= 0 && key < 1)) throw new RangeError(`A cell key lies in [0, 1); got ${key}.`);
  return Math.floor(key * keyUnitsPerOne);
}
