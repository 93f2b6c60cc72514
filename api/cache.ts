// Query results cached per route, normalised parameters and data version. Entries hold the
// unsuppressed engine answer; suppression for the asking user is applied after the cache, so one entry
// serves every role. An import that commits calls warehouse.dataChanged(), which empties the cache;
// the data version in the key keeps an answer computed during an import from being served after it.
// Concurrent identical misses share one query.
import type { Warehouse } from '../pipeline/db.ts';

export interface CacheStats {
  hits: number;
  misses: number;
  entries: number;
}

export class QueryCache {
  private readonly entries = new Map<string, unknown>();
  private readonly pending = new Map<string, Promise<unknown>>();
  private hits = 0;
  private misses = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly warehouse: Warehouse,
    private readonly maxEntries = 1000,
  ) {
    this.unsubscribe = warehouse.onDataChange(() => this.clear());
  }

  /** The cached value for (route, params) at the current data version, or compute() it. */
  async get<T>(route: string, params: unknown, compute: () => Promise<T>): Promise<{ value: T; cached: boolean }> {
    const version = this.warehouse.dataVersion;
    const key = `${version}|${route}|${stableJson(params)}`;
    if (this.entries.has(key)) {
      const value = this.entries.get(key) as T;
      this.entries.delete(key); // re-insert: Map order is the LRU order
      this.entries.set(key, value);
      this.hits += 1;
      return { value, cached: true };
    }
    this.misses += 1;
    let running = this.pending.get(key) as Promise<T> | undefined;
    if (!running) {
      running = compute().finally(() => this.pending.delete(key));
      this.pending.set(key, running);
    }
    const value = await running;
    if (this.warehouse.dataVersion === version) {
      this.entries.set(key, value);
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    return { value, cached: false };
  }

  clear(): void {
    this.entries.clear();
  }

  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, entries: this.entries.size };
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
