// Reference data, read once per data version (api/data-version.ts): which municipality codes,
// collaborations and KAD units exist, who belongs to what (for suppression), and the directory the
// engine resolves a query's ids with. One read, one rule: every code the code history knows is
// accepted and answered under the code its facts are stored under (the current code; a split code
// under itself, flagged at import), so the edge's 400 and the engine's targets cannot disagree.
// The lists as served are the contract's types: the web reads the same ones.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Collaboration, KadUnit, Municipality } from '../contract/types.ts';
import type { Warehouse } from '../pipeline/db.ts';
import { oncePerDataVersion } from './data-version.ts';
import { readTargetDirectory, type TargetDirectory } from './metrics/targets.ts';

export interface ReferenceData {
  municipalities: Municipality[];
  collaborations: Collaboration[];
  units: KadUnit[];
  /** Codes and ids a query may name, and what each stands for. */
  directory: TargetDirectory;
  collaborationMembers: Map<string, string[]>;
  unitMunicipalities: Map<string, string[]>;
}

export const referenceDataOf = oncePerDataVersion(load);

/** The routes' handle on the reference data of the warehouse's current data version. */
export class ReferenceStore {
  constructor(private readonly warehouse: Warehouse) {}

  get(): Promise<ReferenceData> {
    return referenceDataOf(this.warehouse);
  }
}

async function load(connection: DuckDBConnection): Promise<ReferenceData> {
  const read = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJS();
  const collaborationRows = await read(`
    SELECT c.id, c.name, list(m.municipality_code ORDER BY m.municipality_code) AS members
    FROM collaboration c LEFT JOIN collaboration_member m ON m.collaboration_id = c.id
    GROUP BY c.id, c.name ORDER BY c.name`);
  const municipalityRows = await read(`
    WITH latest AS (SELECT max(year) AS year FROM population)
    SELECT m.code, m.name, m.county,
           (SELECT sum(p.count) FROM population p, latest
             WHERE p.municipality_code = m.code AND p.year = latest.year) AS population,
           (SELECT year FROM latest) AS population_year
    FROM municipality m ORDER BY m.code`);
  const unitRows = await read(`
    SELECT unit, arg_max(name, valid_from) AS name, arg_max(host_municipality_code, valid_from) AS host,
           list_distinct(flatten(list(municipalities))) AS municipalities
    FROM kad_unit GROUP BY unit ORDER BY unit`);

  const directory = await readTargetDirectory(connection);

  const collaborations: Collaboration[] = collaborationRows.map((row) => ({
    id: String(row.id),
    name: String(row.name),
    municipalities: ((row.members as unknown[] | null) ?? []).filter((m) => m !== null).map(String),
  }));
  const membership = new Map<string, string[]>();
  for (const collaboration of collaborations)
    for (const code of collaboration.municipalities)
      membership.set(code, [...(membership.get(code) ?? []), collaboration.id]);
  const municipalities: Municipality[] = municipalityRows.map((row) => ({
    code: String(row.code),
    name: String(row.name),
    county: row.county === null ? null : String(row.county),
    population: row.population === null ? null : Number(row.population),
    populationYear: row.population_year === null ? null : Number(row.population_year),
    collaborations: membership.get(String(row.code)) ?? [],
  }));
  const units: KadUnit[] = unitRows.map((row) => ({
    unit: String(row.unit),
    name: String(row.name),
    hostMunicipality: String(row.host),
    municipalities: ((row.municipalities as unknown[] | null) ?? []).map(String).sort(),
  }));
  return {
    municipalities,
    collaborations,
    units,
    directory,
    collaborationMembers: new Map(collaborations.map((c) => [c.id, c.municipalities])),
    unitMunicipalities: new Map(units.map((u) => [u.unit, u.municipalities])),
  };
}
