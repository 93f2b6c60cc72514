// Saved workbench queries (table saved_query, in the private store): each analyst sees their own and the shared ones of
// others; only the owner may delete. Written through internal connections, never analyst SQL.
import type { PrivateStore } from '../private-store.ts';

export interface SavedQuery {
  id: number;
  username: string;
  title: string;
  sql: string;
  shared: boolean;
  createdAt: string;
}

const columns = `id, username, title, sql, shared, strftime(created_at, '%Y-%m-%dT%H:%M:%S') AS created_at`;

function toSaved(row: Record<string, unknown>): SavedQuery {
  return {
    id: Number(row.id),
    username: String(row.username),
    title: String(row.title),
    sql: String(row.sql),
    shared: Boolean(row.shared),
    createdAt: String(row.created_at),
  };
}

export function listSaved(store: PrivateStore, username: string): Promise<SavedQuery[]> {
  return store.withConnection(async (connection) => {
    const reader = await connection.runAndReadAll(
      `SELECT ${columns} FROM saved_query WHERE username = $1 OR shared ORDER BY username = $1 DESC, created_at DESC, id DESC`,
      [username],
    );
    return reader.getRowObjectsJS().map(toSaved);
  });
}

export function getSaved(store: PrivateStore, username: string, id: number): Promise<SavedQuery | null> {
  return store.withConnection(async (connection) => {
    const reader = await connection.runAndReadAll(`SELECT ${columns} FROM saved_query WHERE id = $1 AND (username = $2 OR shared)`, [id, username]);
    const row = reader.getRowObjectsJS()[0];
    return row ? toSaved(row) : null;
  });
}

export function createSaved(store: PrivateStore, username: string, input: { title: string; sql: string; shared: boolean }): Promise<SavedQuery> {
  return store.withConnection(async (connection) => {
    const reader = await connection.runAndReadAll(
      `INSERT INTO saved_query (username, title, sql, shared) VALUES ($1, $2, $3, $4) RETURNING ${columns}`,
      [username, input.title, input.sql, input.shared],
    );
    return toSaved(reader.getRowObjectsJS()[0]!);
  });
}

/** True when the query existed and belonged to `username`. */
export function deleteSaved(store: PrivateStore, username: string, id: number): Promise<boolean> {
  return store.withConnection(async (connection) => {
    const reader = await connection.runAndReadAll(`DELETE FROM saved_query WHERE id = $1 AND username = $2 RETURNING id`, [id, username]);
    return reader.currentRowCount > 0;
  });
}
