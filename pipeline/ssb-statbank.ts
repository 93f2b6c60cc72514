// StatBank's CSV download (ssb.no/statbank, "semikolonseparert med overskrift"): a first line naming
// the table ("07459: Befolkning, etter region, kjønn, alder, år og statistikkvariabel"), perhaps an
// empty line, quoted headers ("region";"kjønn";"alder";"år";"statistikkvariabel";"<table>"), then one
// row per value with labels such as "4204 Kristiansand", "Menn", "0 år", "105 år eller eldre".
// Windows-1252 or UTF-8. Read line by line into category numbers and values; lines are the file's own.
// Two layouts, as StatBank offers them: long (one value column, its header the table's title) and wide
// (PxWeb's default "heading": one value column per year, or per variable and year, headed
// "2030", "Personer 2030" or "Hovedalternativet (MMMM) 2030"); a wide row is several values.
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
  const names = splitRecord(first.replace(/^\uFEFF/, ''), delimiterOf(first)).map((h) => h.trim());
  const roles = names.map((h) => roleOfName(h));
  // Without the title line: SSB's "region" column and either statistikkvariabel or a wide heading ("Personer 2030").
  const wide = roles.includes('sex') && roles.includes('age') && /\d{4}$/.test(names.at(-1) ?? '');
  return (roles.includes('region') && (roles.includes('contents') || wide)) || (/^\uFEFF?"?\d{5}:/.test(first) && second.includes('"region"'));
}

export async function readStatBankCsv(path: string, encoding: Encoding): Promise<Read<SsbTable>> {
  const input = createReadStream(path).pipe(iconv.decodeStream(encoding === 'windows-1252' ? 'win1252' : 'utf8'));
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let title = '';
  let header: StatBankHeader | null = null;
  const lookups: Map<string, number>[] = [];
  // Per row: its stub categories and its line; per value (row-major, a row's value columns in order):
  // the value. Typed arrays: a national table has millions of values (bench/ssb.ts).
  const stubCells: GrowingArray<Int32Array>[] = [];
  const rowLines = new GrowingArray(Int32Array);
  const values = new GrowingArray(Float64Array);
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
      header.stub.forEach(() => (lookups.push(new Map()), stubCells.push(new GrowingArray(Int32Array))));
      continue;
    }
    const fields = splitRecord(line, header.delimiter);
    if (fields.length !== header.width) {
      errors.push({ line: lineNumber, column: null, message: `the row has ${fields.length} values but the header ${header.width}` });
      continue;
    }
    for (const d of header.stub) {
      const text = fields[d]!.trim();
      let index = lookups[d]!.get(text);
      if (index === undefined) {
        index = header.dimensions[d]!.categories.push({ code: text, label: text.replace(/^(?:K-)?\d+\s+/, ''), line: lineNumber }) - 1;
        lookups[d]!.set(text, index);
      }
      stubCells[d]!.push(index);
    }
    rowLines.push(lineNumber);
    for (const column of header.valueColumns) values.push(valueOf(fields[column.index]!) ?? noValue);
  }
  if (!header) return { ok: false, errors: [{ line: null, column: null, message: 'the file has no header line ("region";"kjønn";"alder";"år";…)' }] };
  if (errors.length > 0) return { ok: false, errors };
  const { dimensions, names, stub, valueColumns } = header;
  const perRow = valueColumns.length;
  return {
    ok: true,
    value: {
      format: 'statbank-csv',
      title,
      updated: null,
      dimensions,
      cellCount: values.length,
      valueColumn: perRow === 1 ? names[valueColumns[0]!.index]! : 'value',
      columnOf: (position) => names[valueColumns[(position - 1) % perRow]!.index] ?? 'value',
      forEachCell(visit) {
        const categories = new Int32Array(dimensions.length);
        const cells = stubCells.map((c) => c.view());
        const lineOf = rowLines.view();
        const all = values.view();
        for (let i = 0; i < all.length; i++) {
          const row = Math.floor(i / perRow);
          const column = valueColumns[i - row * perRow]!;
          for (let d = 0; d < stub.length; d++) categories[d] = cells[d]![row]!;
          for (let h = 0; h < column.categories.length; h++) categories[stub.length + h] = column.categories[h]!;
          const value = all[i]!;
          visit(categories, value === noValue ? null : value, lineOf[row]!, i + 1);
        }
      },
    },
  };
}

/** An empty value (SSB's "..", "." or ":"): never a number a file can give (valueOf reads digits only). */
const noValue = Number.NEGATIVE_INFINITY;

/** A typed array that doubles as it fills. */
class GrowingArray<T extends Int32Array | Float64Array> {
  private data: T;
  length = 0;
  constructor(private readonly make: { new (length: number): T }) {
    this.data = new make(1024);
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

/** A column of values and the categories its header gives (year, variable) in the dimensions after the stub. */
interface ValueColumn {
  index: number;
  categories: number[];
}

/**
 * The header: the stub's columns (region, kjønn, alder, perhaps år and statistikkvariabel), each a
 * dimension read from the rows, then the value columns; dimensions the heading holds (år, and
 * statistikkvariabel when the header names one) come after the stub's, their categories from the header.
 */
interface StatBankHeader {
  delimiter: string;
  names: string[];
  dimensions: SsbDimension[];
  /** Columns of the stub: dimension d is column d. */
  stub: number[];
  valueColumns: ValueColumn[];
  width: number;
}

const roleNames = { region: 'region', sex: 'kjønn', age: 'alder', year: 'år' } as const;

function readHeader(line: string, lineNumber: number): Read<StatBankHeader> {
  const delimiter = delimiterOf(line);
  const names = splitRecord(line, delimiter).map((n) => n.trim());
  const dimensions: SsbDimension[] = [];
  let stubEnd = 0;
  // A header ending in a year heads values ("Hovedalternativet (MMMM) 2030"), whatever it mentions.
  // An alternative as a column is headed by that word alone, not a label such as "Hovedalternativet (MMMM)".
  const stubRole = (name: string) => {
    const role = /\s\d{4}$/.test(name) ? null : roleOfName(name);
    return role === 'alternative' && !/^alternativ\w*$/i.test(name.trim()) ? null : role;
  };
  while (stubEnd < names.length) {
    const role = stubRole(names[stubEnd]!);
    if (!role || dimensions.some((d) => d.role === role)) break;
    dimensions.push({ id: names[stubEnd]!, role, categories: [] });
    stubEnd++;
  }
  const stub = dimensions.map((_, d) => d);
  const fail = (message: string): Read<StatBankHeader> => ({ ok: false, errors: [{ line: lineNumber, column: null, message }] });
  const rest = names.slice(stubEnd);
  const misplaced = rest.filter((name) => stubRole(name) !== null);
  if (rest.length === 0 || misplaced.length > 0)
    return fail(`the header's value columns must come after region, kjønn, alder${misplaced.length > 0 ? ` (${misplaced.map((n) => `"${n}"`).join(', ')} comes after a value column)` : ' and have at least one'}`);
  const has = (role: string) => dimensions.some((d) => d.role === role);
  const missingInStub = (['region', 'sex', 'age'] as const).filter((role) => !has(role));
  if (missingInStub.length > 0) return fail(`the header lacks ${missingInStub.map((r) => roleNames[r]).join(', ')}`);
  // Long: the year in the stub and one value column, headed by the table's title.
  if (has('year') && rest.length === 1)
    return { ok: true, value: { delimiter, names, dimensions, stub, valueColumns: [{ index: stubEnd, categories: [] }], width: names.length } };
  // Wide: each value column's header names its year ("2030", "Personer 2030"), unless the stub has the
  // year, when each names a variable ("Hovedalternativet (MMMM)").
  const heading = rest.map((name) => {
    if (has('year')) return { variable: name, year: null };
    const m = /^(.*?)\s*(\d{4})$/.exec(name);
    return m ? { variable: m[1]!, year: m[2]! } : null;
  });
  const unread = rest.filter((_, i) => heading[i] === null);
  if (unread.length > 0)
    return fail(`the header's value columns ${unread.map((n) => `"${n}"`).join(', ')} name no year (StatBank's wide layout heads each with one, e.g. "2030" or "Personer 2030"; or download with år as a column)`);
  const headed: SsbDimension[] = [];
  if (!has('year')) headed.push({ id: 'år', role: 'year', categories: [] });
  const variables = heading.some((h) => h!.variable !== '');
  if (variables && has('contents')) return fail('the header names statistikkvariabel both as a column and in the value columns\' headers');
  if (variables) headed.push({ id: 'statistikkvariabel', role: 'contents', categories: [] });
  // One lookup per heading dimension: a header may have many thousand columns.
  const known = new Map<SsbDimension, Map<string, number>>(headed.map((d) => [d, new Map()]));
  const categoryIn = (dimension: SsbDimension, code: string) => {
    const index = known.get(dimension)!;
    let found = index.get(code);
    if (found === undefined) index.set(code, (found = dimension.categories.push({ code, label: code, line: lineNumber }) - 1));
    return found;
  };
  const valueColumns = heading.map((h, i) => ({
    index: stubEnd + i,
    categories: headed.map((dimension) => categoryIn(dimension, dimension.role === 'year' ? h!.year! : h!.variable)),
  }));
  return { ok: true, value: { delimiter, names, dimensions: [...dimensions, ...headed], stub, valueColumns, width: names.length } };
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
