// Where the figures are: which places have data, and where a user without municipalities of their own
// lands first. Decided from the reference lists the API already serves, never from a fixed code:
// a municipality has figures when the latest population extract counts residents there (population
// arrives with the same imports as the hospital and KAD extracts and covers the same region), and it
// has KAD occupancy when a unit in /api/units serves it. Whether an answer is empty is still judged
// from the answer; these lists only say where to look instead. Pure functions, tested in
// tests/web/places.test.ts.
import type { Collaboration, KadUnit, Municipality, SessionUser } from '../../../contract/types.ts';

export interface ReferenceLists {
  municipalities: Municipality[];
  collaborations: Collaboration[];
  units: KadUnit[];
}

/** What a page needs of a place: figures of any kind, or a KAD unit serving it (occupancy is per unit). */
export type PlaceNeed = 'figures' | 'unit';

export interface Place {
  code: string;
  name: string;
  kind: 'collaboration' | 'municipality';
}

/** KAD units that serve a municipality (or any member of a collaboration), or are hosted there. */
export function unitsServing(place: string, lists: ReferenceLists): KadUnit[] {
  const members = lists.collaborations.find((c) => c.id === place)?.municipalities ?? [place];
  return lists.units.filter((u) => u.municipalities.some((m) => members.includes(m)) || members.includes(u.hostMunicipality));
}

function municipalitiesWith(need: PlaceNeed, lists: ReferenceLists): Set<string> {
  if (need === 'unit') return new Set(lists.units.flatMap((u) => [u.hostMunicipality, ...u.municipalities]));
  return new Set(lists.municipalities.filter((m) => (m.population ?? 0) > 0).map((m) => m.code));
}

/**
 * The places that have what `need` asks for: collaborations first (in the API's order, by name), then
 * municipalities, most inhabitants first (the largest are the likeliest to have figures in every cell).
 */
export function placesWithData(lists: ReferenceLists, need: PlaceNeed = 'figures'): Place[] {
  const having = municipalitiesWith(need, lists);
  const collaborations = lists.collaborations
    .filter((c) => c.municipalities.some((m) => having.has(m)))
    .map((c): Place => ({ code: c.id, name: c.name, kind: 'collaboration' }));
  const municipalities = lists.municipalities
    .filter((m) => having.has(m.code))
    .sort((a, b) => (b.population ?? 0) - (a.population ?? 0) || a.code.localeCompare(b.code))
    .map((m): Place => ({ code: m.code, name: m.name, kind: 'municipality' }));
  return [...collaborations, ...municipalities];
}

export function hasData(place: string, lists: ReferenceLists, need: PlaceNeed = 'figures'): boolean {
  const having = municipalitiesWith(need, lists);
  const members = lists.collaborations.find((c) => c.id === place)?.municipalities ?? [place];
  return members.some((m) => having.has(m));
}

/**
 * The place a user sees when the URL names none: a user with municipalities of their own (a leader)
 * their first one; anyone else the first collaboration with data, else the municipality with the most
 * inhabitants, else the first municipality (nothing imported yet).
 */
export function defaultPlace(user: SessionUser | null, lists: ReferenceLists, need: PlaceNeed = 'figures'): string {
  return user?.municipalities[0] ?? placesWithData(lists, need)[0]?.code ?? lists.municipalities[0]?.code ?? '';
}
