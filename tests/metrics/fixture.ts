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
  /** INSERT by column name: a new column in pipeline/schema.sql cannot shift the values. A value given as
   *  [value, expression] goes through that SQL expression, `$` standing for the value (timestamps and dates
   *  arrive as text). */
  type Value = string | number | boolean | null;
  const insert = (table: string, row: Record<string, Value | [Value, string]>) => {
    const columns = Object.keys(row);
    const placeholders = columns.map((column) => {
      const value = row[column];
      return Array.isArray(value) ? value[1].replaceAll('$', `$${column}`) : `$${column}`;
    });
    const values = Object.fromEntries(columns.map((column) => [column, (Array.isArray(row[column]) ? (row[column] as [Value, string])[0] : row[column]) as Value]));
    return connection.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders.join(', ')})`, values as Record<string, string | number | boolean>);
  };
  const provenance = () => ({ import_id: 1, source_line: 2 });

  return {
    warehouse,
    async stay(s) {
      counter += 1;
      const municipality = s.municipality ?? '4204';
      const sex = s.sex ?? 'K';
      const urgency = s.urgency ?? 'akutt';
      const diagnosis = s.diagnosis ?? 'J441';
      await insert('hospital_stay', {
        hospital: s.hospital ?? 'SSHF Kristiansand',
        stay_id: `s${counter}`,
        patient_id: s.patient,
        municipality_code: municipality,
        municipality_code_raw: s.rawMunicipality ?? municipality,
        municipality_mappable: true,
        age: s.age ?? 80,
        sex,
        sex_raw: sex,
        admitted: [s.admitted, '$::TIMESTAMP'],
        discharged: [s.discharged === undefined ? null : s.discharged, '$::TIMESTAMP'],
        urgency,
        urgency_raw: urgency,
        main_diagnosis: diagnosis,
        main_diagnosis_raw: diagnosis,
        ready_for_discharge: [s.ready ?? null, '$::TIMESTAMP'],
        discharged_to: s.dischargedTo === undefined ? 'hjem' : s.dischargedTo,
        service_area: s.area ?? 'somatikk',
        ...provenance(),
      });
    },
    async kadStay(s) {
      counter += 1;
      const municipality = s.municipality ?? '4204';
      const sex = s.sex ?? 'K';
      await insert('kad_stay', {
        unit: s.unit ?? 'KAD1',
        stay_id: `k${counter}`,
        patient_id: s.patient ?? `kp${counter}`,
        municipality_code: municipality,
        municipality_code_raw: municipality,
        municipality_mappable: true,
        age: s.age ?? 80,
        sex,
        sex_raw: sex,
        admitted: [s.admitted, '$::TIMESTAMP'],
        discharged: [s.discharged === undefined ? null : s.discharged, '$::TIMESTAMP'],
        main_diagnosis: 'R96',
        main_diagnosis_raw: 'R96',
        discharged_to: s.dischargedTo === undefined ? 'hjem' : s.dischargedTo,
        ...provenance(),
      });
    },
    async kadUnit(unit, beds, validFrom, validTo, municipalities = ['4204']) {
      counter += 1;
      const host = municipalities[0] ?? '4204';
      await insert('kad_unit', {
        unit,
        name: unit,
        host_municipality_code: host,
        host_municipality_raw: host,
        municipalities: [municipalities.join(','), "string_split($, ',')"],
        municipalities_raw: municipalities.join(','),
        beds,
        valid_from: [validFrom, '$::DATE'],
        valid_to: [validTo, '$::DATE'],
        import_id: 1,
        source_line: counter,
      });
    },
    async population(municipality, year, sex, count, ageFrom, ageTo = ageFrom) {
      await insert('population', {
        municipality_code: municipality,
        municipality_code_raw: municipality,
        year,
        sex,
        sex_raw: sex,
        age_from: ageFrom,
        age_to: ageTo,
        age_raw: ageFrom === ageTo ? String(ageFrom) : `${ageFrom}-${ageTo}`,
        count,
        ...provenance(),
      });
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
