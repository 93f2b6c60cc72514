// JSON: {"columns":[{"name","type"}],"rows":[[…],…],"truncated":bool}, written chunk by chunk.
// truncated comes last because it is known only at the end. If the query fails after rows were
// sent (the time limit hit mid-stream), the document still closes validly and carries "error".
import type { RunningQuery } from '../run.ts';
import { SqlProblem } from '../errors.ts';
import { chunkRows, columnFixes } from '../values.ts';

export async function* jsonBody(query: RunningQuery): AsyncGenerator<string> {
  const fixes = columnFixes(query.types);
  yield `{"columns":${JSON.stringify(query.columns)},"rows":[`;
  let first = true;
  try {
    for await (const chunk of query.chunks()) {
      const rows = chunkRows(chunk, fixes);
      let text = '';
      for (const row of rows) {
        text += (first ? '' : ',') + JSON.stringify(row);
        first = false;
      }
      yield text;
    }
  } catch (error) {
    const problem = error instanceof SqlProblem ? error : query.problem(error);
    yield `],"truncated":true,"error":${JSON.stringify({ code: problem.code, message: problem.message })}}`;
    return;
  }
  yield `],"truncated":${query.truncated}}`;
}
