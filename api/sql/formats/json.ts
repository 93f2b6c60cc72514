// JSON: {"columns":[{"name","type"}],"rows":[[…],…],"truncated":bool}, written a slice of rows at a
// time and counted against the byte budget. truncated comes last because it is known only at the end.
// If the query fails after rows were sent (the time limit or the budget hit mid-stream), the document
// still closes validly and carries "error".
import type { RunningQuery } from '../run.ts';
import { SqlProblem } from '../errors.ts';
import { columnFixes, sliceColumns } from '../values.ts';

export async function* jsonBody(query: RunningQuery): AsyncGenerator<string> {
  const fixes = columnFixes(query.types);
  yield `{"columns":${JSON.stringify(query.columns)},"rows":[`;
  let first = true;
  try {
    for await (const { chunk, slices } of query.chunks()) {
      for (const [from, to] of slices) {
        const columns = sliceColumns(chunk, from, to, fixes);
        let text = '';
        for (let r = 0; r < to - from; r++) {
          text += (first ? '' : ',') + JSON.stringify(columns.map((column) => column[r]));
          first = false;
        }
        query.budget.addSent(Buffer.byteLength(text));
        yield text;
      }
    }
  } catch (error) {
    const problem = error instanceof SqlProblem ? error : query.problem(error);
    yield `],"truncated":true,"error":${JSON.stringify({ code: problem.code, message: problem.message })}}`;
    return;
  }
  yield `],"truncated":${query.truncated}}`;
}
