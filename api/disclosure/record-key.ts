// Record keys for the cell-key method (docs/disclosure-control.md): every counted record gets a
// fixed pseudo-random key from a keyed hash of its kind and natural id. Keys are integers in [0, 2^52)
// ("key units"); key ÷ 2^52 is the key in [0, 1). 52 bits because a sum of two keys stays below 2^53,
// so JavaScript numbers add them exactly, and DuckDB sums them exactly as HUGEINT.
// The keyed hash is MD5(secret ␟ domain ␟ id …): its first 8 bytes as a little-endian integer (DuckDB's
// md5_number_upper), top 52 bits: computed in DuckDB when the derived tables are rebuilt (recordKeySql,
// tested equal to recordKeyUnits). HMAC-SHA256 written out in SQL cost +55 % on the demo data's
// derived rebuild and plain SHA-256 +19 %; this costs ≈ 5 %. What the keys need: uniform, independent
// between records, and unpredictable without the secret; no one outside the server sees an id or a
// key, so MD5's collision weakness and a prefix-keyed hash's length extension do not matter here.
// A standard hash (not DuckDB's hash()) keeps the keys, and so every published figure, the same
// across DuckDB versions.
import { createHash } from 'node:crypto';

export const keyBits = 52;
/** 2^52: key units per 1. */
export const keyUnitsPerOne = 2 ** keyBits;

/** What kind of record a key belongs to; part of the hashed message, so two kinds with the same
 *  natural id never share a key. */
export const recordDomains = {
  /** Hospital stay: (hospital, stay_id). */
  hospitalStay: 'hospital-stay',
  /** Hospital episode and readmission index episode: (patient_id, admitted as YYYY-MM-DDTHH:MM:SS). */
  episode: 'episode',
  /** KAD stay: (unit, stay_id). */
  kadStay: 'kad-stay',
  /** A stay's nights as one magnitude (the second, independent key of a stay): (kind, …stay id). */
  stayNights: 'stay-nights',
  /** Patient (distinct patients, discharge-ready days): (patient_id). */
  patient: 'patient',
} as const;
export type RecordDomain = (typeof recordDomains)[keyof typeof recordDomains];

/** The byte that separates the domain and the parts of a natural id (ASCII unit separator). */
const separator = '\x1f';

export function recordKeyMessage(domain: RecordDomain, naturalId: readonly string[]): string {
  if (naturalId.length === 0) throw new Error('A record key needs a natural id with at least one part.');
  return [domain, ...naturalId].join(separator);
}

/** The record's key in key units, an integer in [0, 2^52). */
export function recordKeyUnits(secret: Uint8Array, domain: RecordDomain, naturalId: readonly string[]): number {
  const digest = createHash('md5').update(keyedMessage(secret, recordKeyMessage(domain, naturalId)), 'utf8').digest();
  return Number(digest.readBigUInt64LE(0) >> 12n);
}

const secretHex = (secret: Uint8Array) => {
  if (secret.length < 16) throw new Error('The cell-key secret must be at least 16 bytes (it is 32 when generated).');
  return Buffer.from(secret).toString('hex');
};
const keyedMessage = (secret: Uint8Array, message: string) => `${secretHex(secret)}${separator}${message}`;

/** The record's key in [0, 1). */
export function recordKey(secret: Uint8Array, domain: RecordDomain, naturalId: readonly string[]): number {
  return recordKeyUnits(secret, domain, naturalId) / keyUnitsPerOne;
}

/**
 * The prepared-statement parameter of recordKeySql (`$cell_key_secret`). Never log it: it is the secret.
 */
export function recordKeyParameters(secret: Uint8Array): { cell_key_secret: string } {
  return { cell_key_secret: secretHex(secret) };
}

/**
 * A DuckDB expression (UBIGINT, key units) equal to recordKeyUnits for the record whose natural id
 * parts are the given SQL expressions (each cast to VARCHAR; a NULL part makes the key NULL).
 * Needs the parameter of recordKeyParameters. Compute it once per record (when derived tables are
 * rebuilt), never per query: the secret must not be needed to answer one.
 */
export function recordKeySql(domain: RecordDomain, naturalIdSql: readonly string[]): string {
  if (!/^[a-z-]+$/.test(domain)) throw new Error(`Unexpected record domain "${domain}".`);
  const message = ['$cell_key_secret', `'${domain}'`, ...naturalIdSql.map((part) => `CAST(${part} AS VARCHAR)`)].join(` || chr(31) || `);
  return `(md5_number_upper(${message}) >> 12)`;
}
