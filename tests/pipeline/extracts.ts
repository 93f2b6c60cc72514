// Small hand-written extracts for the importer specifications: a row is a record of canonical
// column → value, written in the column order of the header with the chosen delimiter.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWarehouse, type Warehouse } from '../../pipeline/db.ts';

export const hospitalColumns = [
  'opphold_id',
  'pasient_id',
  'kommunenr',
  'alder',
  'kjonn',
  'innskrevet',
  'utskrevet',
  'hastegrad',
  'hovedtilstand',
  'behandlingssted',
  'utskrivningsklar',
  'utskrevet_til',
] as const;

export type Row = Record<string, string>;

/** A valid stay; override what a test is about. */
export function stay(overrides: Row = {}): Row {
  return {
    opphold_id: 'S1',
    pasient_id: 'P1',
    kommunenr: '4223',
    alder: '82',
    kjonn: 'K',
    innskrevet: '2024-01-03 10:15',
    utskrevet: '2024-01-10 12:00',
    hastegrad: '1',
    hovedtilstand: 'J44.1',
    behandlingssted: 'SSHF Kristiansand',
    utskrivningsklar: '',
    utskrevet_til: 'hjem',
    ...overrides,
  };
}

export function csv(columns: readonly string[], rows: Row[], delimiter = ';', newline = '\n'): string {
  return [columns.join(delimiter), ...rows.map((row) => columns.map((c) => row[c] ?? '').join(delimiter))].join(newline) + newline;
}

export function writeExtract(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

export async function rows(warehouse: Warehouse, sql: string): Promise<Record<string, unknown>[]> {
  return warehouse.withConnection(async (c) => (await c.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[]);
}

/** Every data table's content, ordered, for "byte-for-byte the same in content" comparisons. */
export async function dataSnapshot(warehouse: Warehouse): Promise<string> {
  const tables = ['hospital_stay', 'kad_stay', 'kad_unit', 'population'];
  const parts: unknown[] = [];
  for (const table of tables) parts.push(await rows(warehouse, `SELECT * FROM ${table} ORDER BY ALL`));
  return JSON.stringify(parts);
}

export async function freshWarehouse(dir: string, name: string): Promise<Warehouse> {
  return openWarehouse(join(dir, `${name}.duckdb`));
}
