// Errors of the SQL workbench, answered as 400 {"error":{"code","message"}} (429 when busy).
// Messages are for the analyst: what happened and what to do about it.

/** too_large: the answer passed the byte budget, or one row the row cap (api/sql/budget.ts). */
export type SqlProblemCode = 'sql_refused' | 'sql_error' | 'timeout' | 'too_large' | 'busy' | 'bad_request';

export class SqlProblem extends Error {
  constructor(
    readonly code: SqlProblemCode,
    message: string,
  ) {
    super(message);
  }
  get status(): 400 | 429 {
    return this.code === 'busy' ? 429 : 400;
  }
}

/** Turns a DuckDB execution error into a message an analyst can act on. */
export function problemFromDuckDb(error: unknown, context: { timedOut: boolean; timeoutMs: number }): SqlProblem {
  if (error instanceof SqlProblem) return error;
  const text = (error instanceof Error ? error.message : String(error)).replace(/^Error: /, '');
  if (context.timedOut || /^INTERRUPT Error/.test(text)) {
    return new SqlProblem(
      'timeout',
      `The query was stopped after ${Number((context.timeoutMs / 1000).toFixed(1))} s (the workbench's time limit). Filter or aggregate more, or add LIMIT.`,
    );
  }
  if (/^Out of Memory Error/.test(text)) {
    return new SqlProblem(
      'sql_error',
      `The query needs more memory than the server allows (${text.split('\n')[0]}). Aggregate before collecting lists, or select fewer columns.`,
    );
  }
  return new SqlProblem('sql_error', text.split('\n\nPossible solutions')[0]!.trim());
}
