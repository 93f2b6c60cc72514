// Resolves the ids of a query (current or old municipality codes, collaboration ids, unit ids) to
// the rows they stand for. Unknown ids are an error the user can act on, never an empty answer.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Target } from './query-sql.ts';

export class UnknownIdError extends Error {
  override name = 'UnknownIdError';
}

export class InvalidQueryError extends Error {
  override name = 'InvalidQueryError';
}

const idPattern = /^[A-Za-z0-9_.\-æøåÆØÅ]{1,80}$/;

/** Everything needed to turn ids into targets, read in one go (the code history is a recursive view:
 *  ~10 ms on national data, too slow to ask per id and per request). */
export interface TargetDirectory {
  /** Every code ever seen (current or historical) → the code it is counted under (itself for splits). */
  countedUnder: Map<string, string>;
  /** Collaboration id → its current member codes, sorted. */
  members: Map<string, string[]>;
  /** Current municipality codes, sorted. */
  current: string[];
  /** KAD unit ids, sorted. */
  units: string[];
}

export async function readTargetDirectory(connection: DuckDBConnection): Promise<TargetDirectory> {
  const read = async (sql: string) => (await connection.runAndReadAll(sql)).getRows();
  const [codes, mapped, collaborations, units] = [
    await read('SELECT code FROM municipality ORDER BY code'),
    await read('SELECT code, current_code FROM municipality_code_map'),
    await read(`SELECT c.id, list(m.municipality_code ORDER BY m.municipality_code) FILTER (WHERE m.municipality_code IS NOT NULL)
                FROM collaboration c LEFT JOIN collaboration_member m ON m.collaboration_id = c.id GROUP BY c.id`),
    await read('SELECT DISTINCT unit FROM kad_unit ORDER BY unit'),
  ];
  const current = codes.map((r) => String(r[0]));
  const countedUnder = new Map(mapped.map((r) => [String(r[0]), String(r[1])]));
  for (const code of current) countedUnder.set(code, code);
  const members = new Map(collaborations.map((r) => [String(r[0]), ((r[1] as { items: unknown[] } | null)?.items ?? []).map(String)]));
  return { countedUnder, members, current, units: units.map((r) => String(r[0])) };
}

/**
 * A municipality code gives one target; an old code is answered under its current code (as the
 * facts are); a collaboration id gives one target labelled with the id that sums its members.
 * `expandCollaborations` turns a collaboration into one target per member (for comparisons).
 * An empty list means every current municipality.
 */
export function municipalityTargets(directory: TargetDirectory, ids: string[], expandCollaborations = false): Target[] {
  if (ids.length === 0) return directory.current.map((code) => ({ label: code, key: code }));
  const targets: Target[] = [];
  for (const id of [...new Set(ids)]) {
    const code = idPattern.test(id) ? directory.countedUnder.get(id) : undefined;
    if (code !== undefined) {
      targets.push({ label: code, key: code });
      continue;
    }
    const members = idPattern.test(id) ? directory.members.get(id) : undefined;
    if (members === undefined) throw new UnknownIdError(`Unknown municipality or collaboration "${id.slice(0, 80)}".`);
    for (const member of members) targets.push({ label: expandCollaborations ? member : id, key: member });
  }
  // A municipality asked for twice (directly and through an expanded collaboration) is one row.
  const seen = new Set<string>();
  return targets.filter((t) => (seen.has(`${t.label}>${t.key}`) ? false : (seen.add(`${t.label}>${t.key}`), true)));
}

/** Unit ids; an empty list means every unit. */
export function unitTargets(directory: TargetDirectory, ids: string[]): Target[] {
  if (ids.length === 0) return directory.units.map((unit) => ({ label: unit, key: unit }));
  const unknown = ids.filter((id) => !directory.units.includes(id));
  if (unknown.length > 0) throw new UnknownIdError(`Unknown KAD unit "${unknown[0]!.slice(0, 80)}".`);
  return [...new Set(ids)].map((unit) => ({ label: unit, key: unit }));
}

/** 'all' | '67+' | '80+' | 'a-b' → inclusive age range. */
export function parseAge(age: string): [number, number] {
  if (age === 'all') return [0, 200];
  const plus = /^(\d{1,3})\+$/.exec(age);
  if (plus) return [Number(plus[1]), 200];
  const band = /^(\d{1,3})-(\d{1,3})$/.exec(age);
  if (band && Number(band[1]) <= Number(band[2])) return [Number(band[1]), Number(band[2])];
  throw new InvalidQueryError(`Age must be all, 67+, 80+ or a band such as 67-79; got "${age.slice(0, 20)}".`);
}

/** YYYY-MM → first day of the month as YYYY-MM-01. */
export function monthStart(month: string, name: string): string {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new InvalidQueryError(`${name} must be a month YYYY-MM; got "${month.slice(0, 20)}".`);
  return `${m[1]}-${m[2]}-01`;
}
