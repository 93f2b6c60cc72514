// The dashboard's way to the API: same-origin fetch with the HttpOnly session cookie. Every call,
// the SQL workbench's (lib/sql/api.ts) too, goes through apiFetch, so a lost session anywhere sends
// the user to the login page. Failures become ApiFailure with a kind the pages turn into a sentence
// that says what to do.
import type { ApiErrorBody, Collaboration, CompareResponse, Health, KadUnit, MetricId, MetricInfo, MetricParameter, MetricResponse, Municipality, SessionUser } from '$contract/types.ts';
import type { PopulationPyramidResponse, ProjectionResponse } from '$contract/projections.ts';
export type { Collaboration, KadUnit, Municipality };

export type FailureKind = 'session' | 'forbidden' | 'network' | 'server' | 'request';

export class ApiFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status = 0,
  ) {
    super(message);
  }
}

export interface ImportLogEntry {
  importId: number;
  file: string;
  kind: string | null;
  rowsRead: number | null;
  rowsImported: number | null;
  rowsRejected: number | null;
  status: string;
  importedBy: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  message: string | null;
}
export interface RejectedRow {
  line: number | null;
  column: string | null;
  message: string;
  rawLine?: string | null;
}

/** Called when any request answers 401, so the layout can send the user to the login page. */
let onSessionLost: () => void = () => {};
export function whenSessionLost(handler: () => void): void {
  onSessionLost = handler;
}

/**
 * fetch for every API call: answers the raw Response (the caller reads its body and errors), throws
 * ApiFailure('network') when the server cannot be reached, lets an abort through as AbortError, and
 * reports a 401 outside /api/auth/ as a lost session.
 */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiFailure('network', 'network');
  }
  if (response.status === 401 && !path.startsWith('/api/auth/')) onSessionLost();
  return response;
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await apiFetch(path, { ...init, headers: { accept: 'application/json', ...init.headers } });
  if (response.ok) return (await response.json()) as T;
  const body = (await response.json().catch(() => null)) as ApiErrorBody | null;
  const message = body?.error?.message ?? `${response.status} ${response.statusText}`;
  if (response.status === 401) throw new ApiFailure('session', message, 401);
  if (response.status === 403) throw new ApiFailure('forbidden', message, 403);
  throw new ApiFailure(response.status >= 500 ? 'server' : 'request', message, response.status);
}

export type QueryValue = string | number | null | undefined;
/** A metric request's query: only parameters the catalogue declares (contract/metrics.ts). */
export type MetricParams = Partial<Record<MetricParameter, QueryValue>>;
function query(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const api = {
  health: () => request<Health>('/api/health'),
  me: () => request<{ user: SessionUser }>('/api/auth/me'),
  login: (username: string, password: string) =>
    request<{ user: SessionUser }>('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    }),
  // Every state-changing call says application/json, even without a body: the server refuses other
  // content types from a browser session (cross-site request protection, api/edge/csrf.ts).
  logout: () => request<{ ok: boolean }>('/api/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
  municipalities: () => request<Municipality[]>('/api/municipalities'),
  collaborations: () => request<Collaboration[]>('/api/collaborations'),
  units: () => request<KadUnit[]>('/api/units'),
  catalogue: () => request<MetricInfo[]>('/api/metrics'),
  metric: (metric: MetricId, params: MetricParams) =>
    request<MetricResponse>(`/api/metrics/${metric}${query(params)}`),
  compare: (metric: MetricId, params: MetricParams) =>
    request<CompareResponse>(`/api/compare/${metric}${query(params)}`),
  /** Expected use from SSB's population projections (issue 13): `municipality` a comma list of codes or
   *  collaboration ids, `base` e.g. 2023-2025, `change` percent per year, `occupancy` percent. */
  projections: (metric: MetricId, params: { municipality?: string; base?: string; alternative?: string; change?: number; occupancy?: number; group?: string }) =>
    request<ProjectionResponse>(`/api/projections/${metric}${query(params)}`),
  /** Population by sex and 5-year age group, registered today and projected for `year` (default 2040). */
  populationPyramid: (params: { municipality: string; year?: number; alternative?: string }) =>
    request<PopulationPyramidResponse>(`/api/projections/population${query(params)}`),
  imports: () => request<ImportLogEntry[]>('/api/imports'),
  importErrors: (id: number) => request<RejectedRow[]>(`/api/imports/${id}/errors`),
};

/**
 * Upload files to POST /api/imports with progress (fetch cannot report upload progress; XHR can).
 * Resolves with the import summary; the server answers 200 even when a file was rejected.
 */
export function uploadExtracts<T>(files: File[], onProgress: (loaded: number, total: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const file of files) form.append('file', file);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/imports');
    xhr.withCredentials = true;
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : 0);
    xhr.onerror = () => reject(new ApiFailure('network', 'network'));
    xhr.onload = () => {
      const body = xhr.response as (T & Partial<ApiErrorBody>) | null;
      if (xhr.status >= 200 && xhr.status < 300 && body) resolve(body);
      else {
        const message = body?.error?.message ?? `${xhr.status}`;
        const kind: FailureKind = xhr.status === 401 ? 'session' : xhr.status === 403 ? 'forbidden' : 'request';
        reject(new ApiFailure(kind, message, xhr.status));
      }
    };
    xhr.send(form);
  });
}
