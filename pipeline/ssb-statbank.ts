// StatBank's CSV download (ssb.no/statbank, "semikolonseparert med overskrift"): a first line naming
// the table ("07459: Befolkning, etter region, kjønn, alder, år og statistikkvariabel"), perhaps an
// empty line, quoted headers ("region";"kjønn";"alder";"år";"statistikkvariabel";"<table>"), then one
// row per value with labels such as "4204 Kristiansand", "Menn", "0 år", "105 år eller eldre".
// Windows-1252 or UTF-8. Read line by line into category numbers and values; lines are the file's own.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import iconv from 'iconv-lite';
import type { ImportError } from '../contract/types.ts';
import type { Encoding } from './detect.ts';
import { roleOfName, type Read, type SsbDimension, type SsbTable } from './ssb-table.ts';
import { splitRecord } from './detect.ts';

/** A StatBank CSV: a first line that is one quoted field starting with a table number, or a header with region and statistikkvariabel. */
export function looksLikeStatBankCsv(firstLines: string[]): boolean {
  const [first = '', second = ''] = firstLines.filter((l) => l.trim() !== '');
  if (/^\uFEFF?"\d{5}:[^"]*"\s*$/.test(first)) return true;
  const header = splitRecord(first.replace(/^\uFEFF/, ''), delimiterOf(first)).map((h) => roleOfName(h));
  return (header.includes('region') && header.includes('contents')) || (/^\uFEFF?"?\d{5}:/.test(first) && second.includes('"region"'));
}

export async function readStatBankCsv(path: string, encoding: Encoding): Promise<Read<SsbTable>> {
  const input = createReadStream(path).pipe(iconv.decodeStream(encoding === 'windows-1252' ? 'win1252' : 'utf8'));
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let title = '';
  let header: StatBankHeader | null = null;
  const lookups: Map<string, number>[] = [];
  const cells: number[][] = [];
  const values: (number | null)[] = [];
  const lineNumbers: number[] = [];
  const errors: ImportError[] = [];
  for await (const rawLine of lines) {
    lineNumber++;
    const line = lineNumber === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
    if (line.trim() === '') continue;
    if (!header) {
      if (!title && /^"\d{5}:[^"]*"\s*$/.test(line)) {
        title = line.trim().slice(1, -1);
        continue;
      }
      const read = readHeader(line, lineNumber);
      if (!read.ok) return read;
      header = read.value;
      header.dimensions.forEach(() => (lookups.push(new Map()), cells.push([])));
      continue;
    }
    const fields = splitRecord(line, header.delimiter);
    if (fields.length !== header.width) {
      errors.push({ line: lineNumber, column: null, message: `the row has ${fields.length} values but the header ${header.width}` });
      continue;
    }
    header.dimensions.forEach((dimension, d) => {
      const text = fields[d]!.trim();
      let index = lookups[d]!.get(text);
      if (index === undefined) {
        index = dimension.categories.push({ code: text, label: text.replace(/^(?:K-)?\d+\s+/, ''), line: lineNumber }) - 1;
        lookups[d]!.set(text, index);
      }
      cells[d]!.push(index);
    });
    const value = valueOf(fields[header.valueIndex]!);
    values.push(value);
    lineNumbers.push(lineNumber);
  }
  if (!header) return { ok: false, errors: [{ line: null, column: null, message: 'the file has no header line ("region";"kjønn";"alder";"år";…)' }] };
  if (errors.length > 0) return { ok: false, errors };
  const dimensions = header.dimensions;
  return {
    ok: true,
    value: {
      format: 'statbank-csv',
      title,
      updated: null,
      dimensions,
      cellCount: values.length,
      valueColumn: header.valueColumn,
      forEachCell(visit) {
        const categories = new Int32Array(dimensions.length);
        for (let i = 0; i < values.length; i++) {
          for (let d = 0; d < dimensions.length; d++) categories[d] = cells[d]![i]!;
          visit(categories, values[i]!, lineNumbers[i]!, i + 1);
        }
      },
    },
  };
}

/** The header: a role for every column but the one value column (its header is the table's title). */
interface StatBankHeader {
  delimiter: string;
  dimensions: SsbDimension[];
  valueIndex: number;
  valueColumn: string;
  width: number;
}

function readHeader(line: string, lineNumber: number): Read<StatBankHeader> {
  const delimiter = delimiterOf(line);
  const names = splitRecord(line, delimiter).map((n) => n.trim());
  const dimensions: SsbDimension[] = [];
  const others: number[] = [];
  names.forEach((name, i) => {
    const role = roleOfName(name);
    if (role && !dimensions.some((d) => d.role === role)) dimensions.push({ id: name, role, categories: [] });
    else others.push(i);
  });
  const missing = (['region', 'sex', 'age', 'year'] as const).filter((role) => !dimensions.some((d) => d.role === role));
  if (missing.length > 0 || others.length !== 1 || others[0] !== names.length - 1) {
    const message =
      missing.length > 0
        ? `the header lacks ${missing.map((r) => ({ region: 'region', sex: 'kjønn', age: 'alder', year: 'år' })[r]).join(', ')}`
        : `the header has ${others.length} columns that are not region, kjønn, alder, år or statistikkvariabel (${others.map((i) => `"${names[i]}"`).join(', ')}); download the table with one value column last (semikolonseparert med overskrift)`;
    return { ok: false, errors: [{ line: lineNumber, column: null, message }] };
  }
  return { ok: true, value: { delimiter, dimensions, valueIndex: names.length - 1, valueColumn: names.at(-1)!, width: names.length } };
}

/** SSB's symbols: ".." not available, "." not applicable, ":" confidential → no value; "-" nil → 0. */
function valueOf(text: string): number | null {
  const t = text.trim();
  if (t === '..' || t === '.' || t === ':' || t === '') return null;
  if (t === '-') return 0;
  return /^-?\d+([.,]\d+)?$/.test(t.replace(/\s/g, '')) ? Number(t.replace(/\s/g, '').replace(',', '.')) : Number.NaN;
}

function delimiterOf(line: string): string {
  const outside = line.replace(/"[^"]*"/g, '');
  const counts = [';', ',', '\t'].map((d) => [d, outside.split(d).length] as const).sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 1 ? counts[0]![0] : ';';
}


