// Who is signed in and the reference lists every page needs (municipalities, collaborations, KAD
// units, the metric catalogue, data through). Loaded once after login; shared as module state.
import type { MetricInfo, SessionUser, SourceDataThrough } from '$contract/types.ts';
import { api, type Collaboration, type KadUnit, type Municipality } from './api.ts';
import { defaultPlace, unitsServing as unitsServingIn, type PlaceNeed } from './places.ts';

export const session = $state<{ user: SessionUser | null; checked: boolean }>({ user: null, checked: false });

export const reference = $state<{
  municipalities: Municipality[];
  collaborations: Collaboration[];
  units: KadUnit[];
  catalogue: MetricInfo[];
  dataThrough: string | null;
  /** Each hospital's own data through (dates). */
  sources: SourceDataThrough[];
  loaded: boolean;
}>({ municipalities: [], collaborations: [], units: [], catalogue: [], dataThrough: null, sources: [], loaded: false });

export async function loadReference(): Promise<void> {
  const [municipalities, collaborations, units, catalogue, health] = await Promise.all([
    api.municipalities(),
    api.collaborations(),
    api.units(),
    api.catalogue(),
    api.health(),
  ]);
  Object.assign(reference, { municipalities, collaborations, units, catalogue, dataThrough: health.dataThrough, sources: health.sources ?? [], loaded: true });
}

/**
 * The place from the URL when it exists; otherwise (no place, or a stale or mistyped link) the user's
 * default: their own first municipality, or the first place with data (lib/places.ts). `need` is
 * 'unit' on pages about KAD occupancy, so they open on a place a unit serves.
 */
export function resolvePlace(fromUrl: string | null, user: SessionUser | null, need: PlaceNeed = 'figures'): string {
  const known = fromUrl && (reference.municipalities.some((m) => m.code === fromUrl) || reference.collaborations.some((c) => c.id === fromUrl));
  return known ? fromUrl : defaultPlace(user, reference, need);
}

export function placeName(code: string): string {
  return (
    reference.municipalities.find((m) => m.code === code)?.name ??
    reference.collaborations.find((c) => c.id === code)?.name ??
    code
  );
}

/** The collaboration a municipality belongs to (first one), for the "beside" figure; null for a collaboration. */
export function collaborationOf(place: string): Collaboration | null {
  const municipality = reference.municipalities.find((m) => m.code === place);
  const id = municipality?.collaborations[0];
  return id ? (reference.collaborations.find((c) => c.id === id) ?? null) : null;
}

/** KAD units that serve a municipality (or any member of a collaboration). */
export function unitsServing(place: string): KadUnit[] {
  return unitsServingIn(place, reference);
}
