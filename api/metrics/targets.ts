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

async function rows(connection: DuckDBConnection, sql: string, parameters: Record<string, string> = {}) {
  return (await connection.runAndReadAll(sql, parameters)).getRowObjects();
}

/**
 * A municipality code gives one target; an old code is answered under its current code (as the
 * facts are); a collaboration id gives one target labelled with the id that sums its members.
 * `expandCollaborations` turns a collaboration into one target per member (for comparisons).
 * An empty list means every current municipality.
 */
export async function municipalityTargets(
  connection: DuckDBConnection,
  ids: string[],
  expandCollaborations = false,
): Promise<Target[]> {
  if (ids.length === 0) {
    const all = await rows(connection, 'SELECT code FROM municipality ORDER BY code');
    return all.map((r) => ({ label: String(r.code), key: String(r.code) }));
  }
  const targets: Target[] = [];
  for (const id of [...new Set(ids)]) {
    if (!idPattern.test(id)) throw new UnknownIdError(`Unknown municipality or collaboration "${id.slice(0, 80)}".`);
    // Current codes are the common case; the code history (a recursive view) only for old ones.
    let mapped = await rows(connection, 'SELECT code AS current_code FROM municipality WHERE code = $id', { id });
    if (mapped.length === 0)
      mapped = await rows(connection, 'SELECT current_code FROM municipality_code_map WHERE code = $id', { id });
    if (mapped.length > 0) {
      const code = String(mapped[0]!.current_code);
      targets.push({ label: code, key: code });
      continue;
    }
    const members = await rows(
      connection,
      'SELECT municipality_code FROM collaboration_member WHERE collaboration_id = $id ORDER BY municipality_code',
      { id },
    );
    const known = await rows(connection, 'SELECT 1 FROM collaboration WHERE id = $id', { id });
    if (known.length === 0) throw new UnknownIdError(`Unknown municipality or collaboration "${id}".`);
    for (const m of members) {
      const code = String(m.municipality_code);
      targets.push({ label: expandCollaborations ? code : id, key: code });
    }
  }
  // A municipality asked for twice (directly and through an expanded collaboration) is one row.
  const seen = new Set<string>();
  return targets.filter((t) => (seen.has(`${t.label}>${t.key}`) ? false : (seen.add(`${t.label}>${t.key}`), true)));
}

/** Unit ids; an empty list means every unit. */
export async function unitTargets(connection: DuckDBConnection, ids: string[]): Promise<Target[]> {
  const known = (await rows(connection, 'SELECT DISTINCT unit FROM kad_unit ORDER BY unit')).map((r) => String(r.unit));
  if (ids.length === 0) return known.map((unit) => ({ label: unit, key: unit }));
  const unknown = ids.filter((id) => !known.includes(id));
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
