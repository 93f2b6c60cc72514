// Record keys and their secret (docs/disclosure-control.md): TypeScript and DuckDB compute the same
// keyed-hash key; keys look uniform; the secret comes from the environment or a private file.
import { DuckDBInstance } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyUnitsPerOne, recordDomains, recordKey, recordKeyParameters, recordKeySql, recordKeyUnits } from '../../api/disclosure/record-key.ts';
import { cellKeySecret, cellKeySecretPath } from '../../api/disclosure/secret.ts';

const secret = Buffer.from('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'hex');

describe('record keys', () => {
  it('are the top 52 bits of the first 8 bytes (little-endian) of MD5(secret as hex ␟ domain ␟ id …)', () => {
    // Bytes 0–7 of the digest read as a little-endian 64-bit integer (DuckDB's md5_number_upper), shifted right by 12 bits.
    const digest = createHash('md5').update(`${secret.toString('hex')}\x1fkad-stay\x1fU1\x1f42`).digest();
    expect(recordKeyUnits(secret, recordDomains.kadStay, ['U1', '42'])).toBe(Number(digest.readBigUInt64LE(0) >> 12n));
    // Domains separate records with the same natural id; the secret changes every key.
    expect(recordKeyUnits(secret, recordDomains.hospitalStay, ['U1', '42'])).not.toBe(recordKeyUnits(secret, recordDomains.kadStay, ['U1', '42']));
    expect(recordKeyUnits(Buffer.alloc(32, 1), recordDomains.kadStay, ['U1', '42'])).not.toBe(recordKeyUnits(secret, recordDomains.kadStay, ['U1', '42']));
  });

  it('are computed identically by DuckDB (recordKeySql), also for non-ASCII ids', async () => {
    const ids = [['U1', '42'], ['Ålesund KAD', 'æøå-7'], ['H', '0']];
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const values = ids.map((_, i) => `($u${i}, $s${i}, ${i})`).join(',');
    const parameters: Record<string, string> = { ...recordKeyParameters(secret) };
    ids.forEach(([u, s], i) => Object.assign(parameters, { [`u${i}`]: u, [`s${i}`]: s }));
    const reader = await connection.runAndReadAll(
      `SELECT ${recordKeySql(recordDomains.kadStay, ['unit', 'stay_id'])} AS k FROM (VALUES ${values}) t(unit, stay_id, i) ORDER BY i`,
      parameters,
    );
    expect(reader.getRowObjects().map((row) => Number(row.k))).toEqual(ids.map((id) => recordKeyUnits(secret, recordDomains.kadStay, id)));
    connection.closeSync();
  });

  it('spread evenly over [0, 1): mean 1/2 and variance 1/12 within sampling error', () => {
    // 20 000 keys: the mean's standard error is √(1/12 / 20 000) ≈ 0.002.
    const values = Array.from({ length: 20000 }, (_, i) => recordKey(secret, recordDomains.episode, ['p' + i, '2024-01-01T00:00:00']));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.005);
    expect(values.every((v) => v >= 0 && v < 1 && Number.isSafeInteger(v * keyUnitsPerOne))).toBe(true);
  });
});

describe('the cell-key secret', () => {
  const folder = mkdtempSync(join(tmpdir(), 'cell-key-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('comes from STYRINGSDATA_CELL_KEY_SECRET when set, and a malformed one is refused with advice', () => {
    const hex = 'ab'.repeat(32);
    expect(Buffer.from(cellKeySecret(join(folder, 'a.duckdb'), { STYRINGSDATA_CELL_KEY_SECRET: hex })).toString('hex')).toBe(hex);
    expect(() => cellKeySecret(join(folder, 'a.duckdb'), { STYRINGSDATA_CELL_KEY_SECRET: 'short' })).toThrow(/64 hexadecimal digits/);
  });

  it('is otherwise generated once into a 0600 file next to the database and then reused', () => {
    const database = join(folder, 'b.duckdb');
    const first = cellKeySecret(database, {});
    expect(first.length).toBe(32);
    expect(statSync(cellKeySecretPath(database)).mode & 0o777).toBe(0o600);
    expect(Buffer.from(cellKeySecret(database, {})).equals(Buffer.from(first))).toBe(true);
    expect(readFileSync(cellKeySecretPath(database), 'utf8').trim()).toBe(Buffer.from(first).toString('hex'));
    writeFileSync(cellKeySecretPath(database), 'garbage');
    expect(() => cellKeySecret(database, {})).toThrow(/b\.duckdb\.cell-key must hold/);
  });
});
