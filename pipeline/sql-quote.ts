// The one way a value is written into SQL text as a string literal. Parameters ($1) are preferred where
// DuckDB takes them; this is for the places it does not (read_csv paths, SET, COPY … TO, generated SQL).

/** `value` as a SQL string literal: in single quotes, each quote inside doubled. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
