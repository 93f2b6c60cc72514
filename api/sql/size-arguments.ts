// Functions that build a large value from a small input. DuckDB computes a streamed result a chunk
// (2048 rows) ahead and does not count the strings in it against memory_limit, so one
// `SELECT repeat('x', 3000000) FROM range(4096)` made DuckDB itself allocate ~12 GB before the first
// row reached the server's byte budget (budget.ts). The output size of these functions is set by an
// argument, so the check asks for that argument to be a number written in the query, at most a cap:
// what an analyst needs (a text bar, padding, a list of a few thousand values) stays possible.
// Read from the parse tree of the SQL that runs (sandbox.ts), never from the text.

type Json = { [key: string]: unknown };

/** Largest length for repeat/lpad/rpad/bar and widths in a format string. */
export const maxConstantLength = 10_000;
/** Longest text repeat() may repeat. */
export const maxRepeatedText = 100;
/** Largest list from range/generate_series used as a value (the table functions stream instead). */
export const maxListLength = 100_000;

/** Argument positions (0-based) that set the output's size, and the cap for each function. */
const sizeArguments: Record<string, { positions: number[]; cap: number; what: string }> = {
  repeat: { positions: [1], cap: maxConstantLength, what: 'the count' },
  lpad: { positions: [1], cap: maxConstantLength, what: 'the length' },
  rpad: { positions: [1], cap: maxConstantLength, what: 'the length' },
  bar: { positions: [3], cap: maxConstantLength, what: 'the width' },
  list_resize: { positions: [1], cap: maxListLength, what: 'the size' },
  array_resize: { positions: [1], cap: maxListLength, what: 'the size' },
};

/** A sentence saying why this call could build an unbounded value, or null when it cannot. */
export function sizeProblem(name: string, node: Json): string | null {
  const children = (node.children as Json[] | undefined) ?? [];
  if (name === 'repeat') {
    // The output is the input times the count: the input must be short and written in the query too
    // (repeat(repeat('x', 10000), 10000) would otherwise be 100 MB a row).
    const input = children[0] ? constantString(children[0]) : null;
    if (input === null || input.length > maxRepeatedText)
      return `repeat() repeats a text written in the query of at most ${maxRepeatedText} characters (such as '█').`;
  }
  const rule = sizeArguments[name];
  if (rule) {
    for (const position of rule.positions) {
      const argument = children[position];
      if (argument === undefined) continue; // an optional width left out takes DuckDB's small default
      const value = constantNumber(argument);
      if (value === null || Math.abs(value) > rule.cap)
        return `${rule.what} of ${name}() must be a number written in the query, at most ${rule.cap.toLocaleString('en')}.`;
    }
    return null;
  }
  if (name === 'printf' || name === 'format') {
    const pattern = children[0] ? constantString(children[0]) : null;
    const widths = pattern?.match(/\d+/g)?.map(Number) ?? [];
    if (pattern === null || widths.some((width) => width > maxConstantLength))
      return `the format of ${name}() must be a string written in the query, with widths of at most ${maxConstantLength.toLocaleString('en')}.`;
    return null;
  }
  if (name === 'range' || name === 'generate_series') {
    const bounds = children.map(constantNumber);
    if (bounds.length === 0 || bounds.some((b) => b === null)) return `${name}() as a value needs numbers written in the query; as a table (FROM ${name}(…)) it streams any length.`;
    const [start, stop, step] = bounds.length === 1 ? [0, bounds[0]!, 1] : [bounds[0]!, bounds[1]!, bounds[2] ?? 1];
    const length = step === 0 ? Infinity : Math.abs((stop - start) / step);
    if (length > maxListLength)
      return `${name}() as a value may make at most ${maxListLength.toLocaleString('en')} elements (this one ${Number.isFinite(length) ? Math.ceil(length).toLocaleString('en') : 'endless'}); use FROM ${name}(…) as a table for more.`;
  }
  return null;
}

function constant(node: Json): Json | null {
  return node.class === 'CONSTANT' ? ((node.value as Json | undefined) ?? null) : null;
}

/** A number written in the query (also negative: the parser folds `-5` into the constant). */
function constantNumber(node: Json): number | null {
  const value = constant(node);
  if (!value || value.is_null) return null;
  const number = Number(value.value);
  return typeof value.value === 'number' || (typeof value.value === 'string' && /^-?\d+$/.test(value.value)) ? number : null;
}

function constantString(node: Json): string | null {
  const value = constant(node);
  return value && !value.is_null && typeof value.value === 'string' ? value.value : null;
}
