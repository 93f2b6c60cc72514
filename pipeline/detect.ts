// What kind of text a file is, read from its bytes before DuckDB sees it: encoding, delimiter, the
// header. One streaming pass also gives the SHA-256 (idempotency) and facts the line-number method
// needs (are there quotes at all? blank lines between rows?). Nothing here looks at rows one by one.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

export type Encoding = 'utf-8' | 'utf-8-bom' | 'windows-1252';
export type Delimiter = ';' | ',' | '\t';

export interface FileScan {
  bytes: number;
  sha256: string;
  /** Valid UTF-8 from the first byte to the last. */
  utf8: boolean;
  bom: boolean;
  /** First bytes look binary (NUL or many control characters). */
  binary: boolean;
  /** The file contains a double quote somewhere: only then can a value hold a newline. */
  hasQuotes: boolean;
  /** An empty line followed by more text: DuckDB skips such lines, so line numbers may shift. */
  interiorBlankLines: boolean;
  /** Up to the first 64 KiB, for the header. */
  head: Buffer;
}

const headSize = 64 * 1024;

/** Streams the file once: hash, UTF-8 validity, quotes, blank lines. `onBytes` reports progress. */
export async function scanFile(path: string, onBytes?: (done: number) => void): Promise<FileScan> {
  const hash = createHash('sha256');
  let bytes = 0;
  let utf8 = true;
  let hasQuotes = false;
  let interiorBlankLines = false;
  let carry = Buffer.alloc(0); // an incomplete UTF-8 sequence at a chunk's end
  let tail = Buffer.alloc(0); // last bytes of the previous chunk, for patterns across chunks
  let blankPending = false;
  const headParts: Buffer[] = [];
  let headLength = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    if (headLength < headSize) {
      headParts.push(chunk.subarray(0, headSize - headLength));
      headLength += Math.min(chunk.length, headSize - headLength);
    }
    if (!hasQuotes && chunk.includes(0x22)) hasQuotes = true;
    if (!interiorBlankLines) {
      // Prepend the previous chunk's last bytes so that a "\n\r\n" across the boundary is seen.
      const state = blankLineState(tail.length ? Buffer.concat([tail, chunk]) : chunk, blankPending);
      interiorBlankLines = state.interior;
      blankPending = state.pending;
    }
    tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - 2)));
    if (utf8) {
      const joined = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const cut = completeUtf8Prefix(joined);
      utf8 = isUtf8(joined.subarray(0, cut));
      carry = Buffer.from(joined.subarray(cut));
    }
    onBytes?.(bytes);
  }
  if (carry.length) utf8 = false;
  const head = Buffer.concat(headParts);
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  return { bytes, sha256: hash.digest('hex'), utf8, bom, binary: looksBinary(head), hasQuotes, interiorBlankLines, head };
}

/**
 * Finds an empty line followed by more text (trailing blank lines are harmless). `pending` carries
 * "a blank line was seen and only newlines followed so far" across chunk boundaries.
 */
function blankLineState(chunk: Buffer, pending: boolean): { interior: boolean; pending: boolean } {
  const firstText = chunk.findIndex((b) => b !== 0x0a && b !== 0x0d);
  if (pending && firstText >= 0) return { interior: true, pending: false };
  let lastBlank = -1;
  for (const pattern of ['\n\n', '\n\r\n']) {
    let at = chunk.indexOf(pattern);
    while (at >= 0) {
      const after = at + pattern.length;
      const next = chunk.subarray(after).findIndex((b) => b !== 0x0a && b !== 0x0d);
      if (next >= 0) return { interior: true, pending: false };
      lastBlank = Math.max(lastBlank, after);
      at = chunk.indexOf(pattern, at + 1);
    }
  }
  return { interior: false, pending: (pending && firstText < 0) || lastBlank >= 0 };
}

/** Length of the prefix that ends on a UTF-8 character boundary (at most 3 bytes are held back). */
function completeUtf8Prefix(buffer: Buffer): number {
  const end = buffer.length;
  for (let back = 1; back <= Math.min(3, end); back++) {
    const byte = buffer[end - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? end - back : end;
  }
  return end;
}

function looksBinary(head: Buffer): boolean {
  if (head.includes(0)) return true;
  let control = 0;
  for (const byte of head) if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) control++;
  return control > Math.max(2, head.length / 100);
}

export function encodingOf(scan: FileScan): Encoding {
  if (scan.bom) return 'utf-8-bom';
  return scan.utf8 ? 'utf-8' : 'windows-1252';
}

export interface Dialect {
  delimiter: Delimiter;
  headerNames: string[];
}

/** Decodes the head and reads the header line: the delimiter is the most frequent of ; , tab outside quotes. */
export function readHeader(head: Buffer, encoding: Encoding): Dialect {
  const text = encoding === 'windows-1252' ? iconv.decode(head, 'win1252') : head.toString('utf8').replace(/^\uFEFF/, '');
  const line = firstRecord(text);
  const counts: Record<Delimiter, number> = { ';': 0, ',': 0, '\t': 0 };
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ';' || ch === ',' || ch === '\t')) counts[ch]++;
  }
  // Ties go to ';', the Norwegian default.
  const delimiter = (Object.entries(counts) as [Delimiter, number][]).sort((a, b) => b[1] - a[1])[0]![0];
  return { delimiter, headerNames: splitRecord(line, delimiter) };
}

/** The first line, not counting newlines inside quotes. */
function firstRecord(text: string): string {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) return text.slice(0, i);
  }
  return text;
}

/** One CSV record's fields (RFC 4180 quoting: "" inside quotes is a quote). */
export function splitRecord(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (current += '"'), i++;
      else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) fields.push(current), (current = '');
    else current += ch;
  }
  fields.push(current);
  return fields;
}
