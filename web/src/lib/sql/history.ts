// Query history in the browser (localStorage): newest first, no duplicates in a row, at most 50.

export interface HistoryEntry {
  sql: string;
  at: string;
  rows: number | null;
  ms: number | null;
}

const key = 'styringsdata.sql.history';
const maxEntries = 50;

export function readHistory(storage: Pick<Storage, 'getItem'> | null = globalThis.localStorage ?? null): HistoryEntry[] {
  try {
    const parsed = JSON.parse(storage?.getItem(key) ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed.filter((e) => e && typeof e.sql === 'string') as HistoryEntry[]) : [];
  } catch {
    return [];
  }
}

export function addToHistory(
  entry: HistoryEntry,
  storage: Pick<Storage, 'getItem' | 'setItem'> | null = globalThis.localStorage ?? null,
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
