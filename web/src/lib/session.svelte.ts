// Who is signed in and the reference lists every page needs (municipalities, collaborations, KAD
// units, the metric catalogue, data through). Loaded once after login; shared as module state.
import type { MetricInfo, SessionUser } from '$api/types.ts';
import { api, type Collaboration, type KadUnit, type Municipality } from './api.ts';

export const session = $state<{ user: SessionUser | null; checked: boolean }>({ user: null, checked: false });

export const reference = $state<{
  municipalities: Municipality[];
  collaborations: Collaboration[];
  units: KadUnit[];
  catalogue: MetricInfo[];
  dataThrough: string | null;
  loaded: boolean;
}>({ municipalities: [], collaborations: [], units: [], catalogue: [], dataThrough: null, loaded: false });

export async function loadReference(): Promise<void> {
  const [municipalities, collaborations, units, catalogue, health] = await Promise.all([
    api.municipalities(),
    api.collaborations(),
    api.units(),
    api.catalogue(),
    api.health(),
  ]);
  Object.assign(reference, { municipalities, collaborations, units, catalogue, dataThrough: health.dataThrough, loaded: true });
}

/** The place a user sees first: a leader's own municipality, otherwise the first municipality. */
export function defaultPlace(user: SessionUser | null): string {
  return user?.municipalities[0] ?? reference.municipalities[0]?.code ?? '';
}

/** The place from the URL when it exists (a stale or mistyped link falls back to the default). */
export function resolvePlace(fromUrl: string | null, user: SessionUser | null): string {
  const known = fromUrl && (reference.municipalities.some((m) => m.code === fromUrl) || reference.collaborations.some((c) => c.id === fromUrl));
  return known ? fromUrl : defaultPlace(user);
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
  const members = reference.collaborations.find((c) => c.id === place)?.municipalities ?? [place];
  return reference.units.filter((u) => u.municipalities.some((m) => members.includes(m)) || members.includes(u.hostMunicipality));
}
