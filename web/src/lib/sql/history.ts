// Query history in the browser (localStorage): newest first, no duplicates in a row, at most 50.

export interface HistoryEntry {
  sql: string;
  at: string;
  rows: number | null;
  ms: number | null;
}

/** The part of localStorage used here (a Map-backed stand-in in tests). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const browserStorage = (): StorageLike | null => (globalThis as { localStorage?: StorageLike }).localStorage ?? null;
const key = 'styringsdata.sql.history';
const maxEntries = 50;

export function readHistory(storage: Pick<StorageLike, 'getItem'> | null = browserStorage()): HistoryEntry[] {
  try {
    const parsed = JSON.parse(storage?.getItem(key) ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed.filter((e) => e && typeof e.sql === 'string') as HistoryEntry[]) : [];
  } catch {
    return [];
  }
}

export function addToHistory(
  entry: HistoryEntry,
  storage: StorageLike | null = browserStorage(),
): HistoryEntry[] {
  const previous = readHistory(storage).filter((e) => e.sql.trim() !== entry.sql.trim());
  const next = [entry, ...previous].slice(0, maxEntries);
  try {
    storage?.setItem(key, JSON.stringify(next));
  } catch {
    // Storage full or disabled: the history is a convenience, the query still ran.
  }
  return next;
}
