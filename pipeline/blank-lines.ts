// Empty lines between rows: DuckDB's CSV reader skips them, which would shift every later line number
// in the rejection report. The staging copy drops them instead (outside quoted values only: an empty
// line inside quotes is part of a value) and remembers where they were, so that validate.ts can give
// every row its line number in the delivered file. Streams bytes; only used when the scan found any.
import { Transform, type TransformCallback } from 'node:stream';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

export class BlankLineRemover extends Transform {
  /** Line numbers (1-based, in the delivered file) of the empty lines dropped, ascending. */
  readonly removed: number[] = [];
  private line = 1;
  private inQuotes = false;
  private lineStart = true;
  /** A CR at the start of a line, held back until we know whether an LF follows (an empty CRLF line). */
  private heldCR = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const out = Buffer.allocUnsafe(chunk.length + 1);
    let length = 0;
    for (const byte of chunk) {
      if (this.heldCR) {
        this.heldCR = false;
        if (byte === LF) {
          this.removed.push(this.line++);
          continue;
        }
        out[length++] = CR;
        this.lineStart = false;
      }
      if (this.lineStart && !this.inQuotes) {
        if (byte === LF) {
          this.removed.push(this.line++);
          continue;
        }
        if (byte === CR) {
          this.heldCR = true;
          continue;
        }
      }
      out[length++] = byte;
      if (byte === QUOTE) this.inQuotes = !this.inQuotes; // "" inside a value toggles twice
      if (byte === LF) {
        this.line += 1;
        this.lineStart = true;
      } else this.lineStart = false;
    }
    callback(null, out.subarray(0, length));
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.heldCR ? Buffer.from([CR]) : null);
  }
}

/**
 * SQL for the delivered file's line number of `line`, a line number in the staged copy without the
 * empty lines `removed`: every removed line at or before the mapped position adds one. The i-th removed
 * line (1-based) b_i sits after staged line b_i − i, so the shift is #{i : b_i − i < line}.
 */
export function deliveredLineSql(line: string, removed: readonly number[]): string {
  if (removed.length === 0) return line;
  const after = removed.map((b, i) => b - (i + 1));
  return `(${line} + len(list_filter([${after.join(', ')}], lambda a: a < ${line})))`;
}
