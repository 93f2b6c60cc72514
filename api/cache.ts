// Query results cached per route, normalised parameters and data version. Entries hold the
// unsuppressed engine answer; suppression for the asking user is applied after the cache, so one entry
// serves every role. An import that commits calls warehouse.dataChanged(), which empties the cache;
// the data version in the key keeps an answer computed during an import from being served after it.
// Concurrent identical misses share one query.
// The cache is bounded in bytes, not entries (issue 9): each entry's size is estimated (a body's
// byte length, an object's JSON length — about what V8 holds for our row objects), the least recently
// used entries are dropped above the budget, and an answer bigger than a fraction of the budget is
// served but never kept.
import type { Warehouse } from '../pipeline/db.ts';

/** What the byte budget is doing (tests/api/bounds.test.ts watches it). */
export interface CacheStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  evictions: number;
  /** Answers too big to keep (above maxEntryBytes). */
  tooBig: number;
}

export interface CacheLimits {
  /** Budget for all entries; default STYRINGSDATA_CACHE_MB (256) MB. */
  maxBytes?: number;
  /** Largest single entry; default an eighth of the budget. */
  maxEntryBytes?: number;
}

const megabyte = 1024 * 1024;

export function cacheBudgetFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.STYRINGSDATA_CACHE_MB);
  return (Number.isFinite(mb) && mb > 0 ? mb : 256) * megabyte;
}

interface Entry {
  value: unknown;
  bytes: number;
}

export class QueryCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<unknown>>();
  private evictions = 0;
  private tooBig = 0;
  private totalBytes = 0;
  readonly maxBytes: number;
  readonly maxEntryBytes: number;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly warehouse: Warehouse,
    limits: CacheLimits = {},
  ) {
    this.maxBytes = limits.maxBytes ?? cacheBudgetFromEnv();
    this.maxEntryBytes = Math.min(this.maxBytes, limits.maxEntryBytes ?? Math.floor(this.maxBytes / 8));
    this.unsubscribe = warehouse.onDataChange(() => this.clear());
  }

  /** The cached value for (route, params) at the current data version, or compute() it. */
  async get<T>(route: string, params: unknown, compute: () => Promise<T>): Promise<{ value: T; cached: boolean }> {
    const version = this.warehouse.dataVersion;
    const key = `${version}|${route}|${stableJson(params)}`;
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key); // re-insert: Map order is the LRU order
      this.entries.set(key, entry);
      return { value: entry.value as T, cached: true };
    }
    let running = this.pending.get(key) as Promise<T> | undefined;
    if (!running) {
      running = compute().finally(() => this.pending.delete(key));
      this.pending.set(key, running);
    }
    const value = await running;
    if (this.warehouse.dataVersion === version && !this.entries.has(key)) this.store(key, value);
    return { value, cached: false };
  }

  private store(key: string, value: unknown): void {
    const bytes = estimateBytes(value) + key.length;
    if (bytes > this.maxEntryBytes) {
      this.tooBig += 1;
      return;
    }
    this.entries.set(key, { value, bytes });
    this.totalBytes += bytes;
    for (const [oldest, { bytes: size }] of this.entries) {
      if (this.totalBytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.totalBytes -= size;
      this.evictions += 1;
    }
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }

  stats(): CacheStats {
    return {
      entries: this.entries.size,
      bytes: this.totalBytes,
      maxBytes: this.maxBytes,
      evictions: this.evictions,
      tooBig: this.tooBig,
    };
  }

  dispose(): void {
    this.unsubscribe();
    this.clear();
  }
}

/** JSON with object keys sorted, so that equal parameters give equal keys. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

const sampleSize = 64;

/**
 * About how many bytes `value` holds: byte length for bodies, JSON length otherwise. Long arrays
 * (an answer's rows) are measured on a sample and scaled, so that sizing a 50 000-row answer does not
 * cost another full serialisation.
 */
export function estimateBytes(value: unknown): number {
  if (value === null || value === undefined) return 8;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (typeof value === 'string') return value.length + 2;
  if (Array.isArray(value)) {
    if (value.length <= sampleSize) return value.reduce((sum: number, item) => sum + estimateBytes(item) + 1, 2);
    let sampled = 0;
    for (let i = 0; i < sampleSize; i++) sampled += estimateBytes(value[Math.floor((i * value.length) / sampleSize)]) + 1;
    return Math.ceil((sampled * value.length) / sampleSize) + 2;
  }
  if (typeof value === 'object') {
    let bytes = 2;
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) bytes += key.length + 4 + estimateBytes(item);
    return bytes;
  }
  return String(value).length;
}
