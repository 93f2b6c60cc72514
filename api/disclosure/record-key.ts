// Record keys for the cell-key method (docs/disclosure-control.md): every counted record gets a
// fixed pseudo-random key, the first 52 bits of HMAC-SHA256(secret, domain ␟ natural id). Keys are
// integers in [0, 2^52) ("key units"); key ÷ 2^52 is the key in [0, 1). 52 bits because a sum of two
// keys stays below 2^53, so JavaScript numbers add them exactly, and DuckDB sums them exactly as HUGEINT.
// The same key is computed in DuckDB (recordKeySql) so that keys can be materialised next to the
// derived tables without moving every record through JavaScript; both forms are tested to agree.
import { createHmac } from 'node:crypto';

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
  const digest = createHmac('sha256', secret).update(recordKeyMessage(domain, naturalId), 'utf8').digest('hex');
  // 13 hex digits = 52 bits, below 2^53: parsed exactly.
  return Number.parseInt(digest.slice(0, 13), 16);
}

/** The record's key in [0, 1). */
export function recordKey(secret: Uint8Array, domain: RecordDomain, naturalId: readonly string[]): number {
  return recordKeyUnits(secret, domain, naturalId) / keyUnitsPerOne;
}

/**
 * The HMAC's inner and outer pads as hex, to pass as the prepared-statement parameters `$key_ipad` and
 * `$key_opad` of recordKeySql. HMAC(k, m) = SHA256((k ⊕ opad) ‖ SHA256((k ⊕ ipad) ‖ m)), with k
 * padded to SHA-256's 64-byte block (RFC 2104). Never log these: they are the secret in another form.
 */
export function hmacPadsHex(secret: Uint8Array): { key_ipad: string; key_opad: string } {
  if (secret.length > 64) throw new Error('The cell-key secret must be at most 64 bytes (it is 32 when generated).');
  const block = new Uint8Array(64);
  block.set(secret);
  const xor = (pad: number) => Buffer.from(block.map((byte) => byte ^ pad)).toString('hex');
  return { key_ipad: xor(0x36), key_opad: xor(0x5c) };
}

/**
 * A DuckDB expression (UBIGINT, key units) equal to recordKeyUnits for the record whose natural id
 * parts are the given SQL expressions (each cast to VARCHAR; a NULL part makes the key NULL).
 * Needs the parameters of hmacPadsHex. DuckDB 1.5 has sha256 but no HMAC, so the HMAC is written out.
 * Costs ≈ 2 µs per record: compute it once per record (at import or when derived tables are rebuilt),
 * never per query.
 */
export function recordKeySql(domain: RecordDomain, naturalIdSql: readonly string[]): string {
  if (!/^[a-z-]+$/.test(domain)) throw new Error(`Unexpected record domain "${domain}".`);
  const message = [`'${domain}'`, ...naturalIdSql.map((part) => `CAST(${part} AS VARCHAR)`)].join(` || chr(31) || `);
  const inner = `unhex(sha256(unhex($key_ipad) || encode(${message})))`;
  return `('0x' || substr(sha256(unhex($key_opad) || ${inner}), 1, 13))::UBIGINT`;
}
