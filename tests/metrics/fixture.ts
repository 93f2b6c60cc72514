// Test helper: a fresh warehouse in a temp dir with the metric views installed, and small inserters
// that fill every NOT NULL column with a harmless default so each test writes only what matters.
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openWarehouse, type Warehouse } from '../../pipeline/db.ts';
import { ensureDerived, installMetricViews } from '../../api/metrics/engine.ts';
import { tempDir } from '../helpers/temp.ts';

export interface HospitalStayInput {
  patient: string;
  municipality?: string;
  /** kommunenr as delivered (the importer has mapped it to `municipality`); default = municipality. */
  rawMunicipality?: string;
  age?: number;
  sex?: 'M' | 'K';
  admitted: string;
  discharged?: string | null;
  urgency?: 'akutt' | 'planlagt';
  diagnosis?: string;
  hospital?: string;
  ready?: string | null;
  dischargedTo?: string | null;
  area?: 'somatikk' | 'psykisk_helsevern' | 'tsb';
}

export interface KadStayInput {
  unit?: string;
  patient?: string;
  municipality?: string;
  age?: number;
  sex?: 'M' | 'K';
  admitted: string;
  discharged?: string | null;
  dischargedTo?: string | null;
}

export interface TestWarehouse {
  warehouse: Warehouse;
  stay(input: HospitalStayInput): Promise<void>;
  kadStay(input: KadStayInput): Promise<void>;
  kadUnit(unit: string, beds: number, validFrom: string, validTo: string | null, municipalities?: string[]): Promise<void>;
  /** One population row; age_to defaults to ageFrom (a single age). */
  population(municipality: string, year: number, sex: 'M' | 'K', count: number, ageFrom: number, ageTo?: number): Promise<void>;
  sql(statement: string): Promise<Record<string, unknown>[]>;
  close(): void;
}

let counter = 0;

export async function testWarehouse(): Promise<TestWarehouse> {
  const dir = tempDir('styringsdata-metrics-');
  const warehouse = await openWarehouse(join(dir.path, 'test.duckdb'));
  await installMetricViews(warehouse);
  const connection: DuckDBConnection = await warehouse.connect();
  const run = (sql: string, values: Record<string, string | number | boolean | null>) =>
    connection.run(sql, values as Record<string, string | number | boolean>);

  return {
    warehouse,
    async stay(s) {
      counter += 1;
      const municipality = s.municipality ?? '4204';
      await run(
        `INSERT INTO hospital_stay VALUES ($hospital, $id, $patient, $municipality, $raw, true, $age, $sex, $sex,
          $admitted::TIMESTAMP, $discharged::TIMESTAMP, $urgency, $urgency, $diagnosis, $diagnosis, $ready::TIMESTAMP,
          $to, $area, 1, 2)`,
        {
          hospital: s.hospital ?? 'SSHF Kristiansand',
          id: `s${counter}`,
          patient: s.patient,
          municipality,
          raw: s.rawMunicipality ?? municipality,
          age: s.age ?? 80,
          sex: s.sex ?? 'K',
          admitted: s.admitted,
          discharged: s.discharged === undefined ? null : s.discharged,
          urgency: s.urgency ?? 'akutt',
          diagnosis: s.diagnosis ?? 'J441',
          ready: s.ready ?? null,
          to: s.dischargedTo === undefined ? 'hjem' : s.dischargedTo,
          area: s.area ?? 'somatikk',
        },
      );
    },
    async kadStay(s) {
      counter += 1;
      await run(
        `INSERT INTO kad_stay VALUES ($unit, $id, $patient, $municipality, $municipality, true, $age, $sex, $sex,
          $admitted::TIMESTAMP, $discharged::TIMESTAMP, 'R96', 'R96', $to, 1, 2)`,
        {
          unit: s.unit ?? 'KAD1',
          id: `k${counter}`,
          patient: s.patient ?? `kp${counter}`,
          municipality: s.municipality ?? '4204',
          age: s.age ?? 80,
          sex: s.sex ?? 'K',
          admitted: s.admitted,
          discharged: s.discharged === undefined ? null : s.discharged,
          to: s.dischargedTo === undefined ? 'hjem' : s.dischargedTo,
        },
      );
    },
    async kadUnit(unit, beds, validFrom, validTo, municipalities = ['4204']) {
      counter += 1;
      await run(
        `INSERT INTO kad_unit VALUES ($unit, $unit, $host, $host, string_split($list, ','), $list, $beds,
          $from::DATE, $to::DATE, 1, $line)`,
        { unit, host: municipalities[0] ?? '4204', list: municipalities.join(','), beds, from: validFrom, to: validTo, line: counter },
      );
    },
    async population(municipality, year, sex, count, ageFrom, ageTo = ageFrom) {
      await run(
        `INSERT INTO population VALUES ($municipality, $municipality, $year, $sex, $sex, $from, $to, $raw, $count, 1, 2)`,
        { municipality, year, sex, from: ageFrom, to: ageTo, raw: ageFrom === ageTo ? String(ageFrom) : `${ageFrom}-${ageTo}`, count },
      );
    },
    async sql(statement) {
      // Rows were inserted behind the importer's back: bring the derived episodes up to date first.
      await ensureDerived(warehouse);
      return (await connection.runAndReadAll(statement)).getRowObjectsJson() as Record<string, unknown>[];
    },
    close() {
      connection.closeSync();
      warehouse.close();
      dir.remove();
    },
  };
}
