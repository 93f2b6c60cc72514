// Rows with too few or too many values (issue 9, item 8): reported like every other rule, with the
// file's own line number and the row's count, for every extract kind, delimiter and line ending, with
// and without --accept-rejects. (A short row after two good ones once failed the whole file with
// "More than one row returned by a subquery" and no line number.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../pipeline/db.ts';
import { importFile } from '../../pipeline/import.ts';
import type { ExtractKind } from '../../contract/types.ts';
import { tempDir } from '../helpers/temp.ts';
import { freshWarehouse, hospitalColumns, rows, stay, writeExtract } from './extracts.ts';

const dir = tempDir();
let warehouse: Warehouse;
let fileNumber = 0;

beforeAll(async () => {
  warehouse = await freshWarehouse(dir.path, 'row-shape');
});
afterAll(() => {
  warehouse.close();
  dir.remove();
});

async function importText(content: string, acceptRejects = false) {
  const path = writeExtract(dir.path, `shape-${++fileNumber}.csv`, content);
  return importFile(warehouse, path, { acceptRejects });
}

/** Per kind: its header, its table, and a valid row whose natural key depends on i. (The three-column
 *  daily-rates file cannot have the short row of 4 values: its row shapes are in daily-rates.test.ts.) */
const kinds: Record<Exclude<ExtractKind, 'dognpris' | 'framskriving'>, { table: string; header: string[]; row: (i: number) => string[] }> = {
  sykehusopphold: {
    table: 'hospital_stay',
    header: [...hospitalColumns],
    row: (i) => hospitalColumns.map((c) => stay({ opphold_id: `S${i}`, behandlingssted: 'Shape' })[c]!),
  },
  kad_opphold: {
    table: 'kad_stay',
    header: ['opphold_id', 'pasient_id', 'enhet', 'kommunenr', 'alder', 'kjonn', 'innskrevet', 'utskrevet', 'hovedtilstand', 'utskrevet_til'],
    row: (i) => [`K${i}`, 'P1', 'KAD-KRS', '4204', '80', 'K', '2024-01-01 10:00', '2024-01-03 10:00', 'R96', 'sykehjem'],
  },
  kad_enheter: {
    table: 'kad_unit',
    header: ['enhet', 'navn', 'vertskommune', 'kommuner', 'senger', 'gyldig_fra', 'gyldig_til'],
    row: (i) => [`U${i}`, 'KAD Kristiansand', '4204', '4204 4223', '12', '2024-01-01', ''],
  },
  befolkning: {
    table: 'population',
    header: ['kommunenr', 'aar', 'kjonn', 'alder', 'antall'],
    row: (i) => ['4223', '2024', 'K', String(i), '100'],
  },
};

const endings = { LF: '\n', CRLF: '\r\n' } as const;
const delimiters = { semicolon: ';', comma: ',', tab: '\t' } as const;

const cases = Object.keys(kinds).flatMap((kind) =>
  Object.keys(endings).flatMap((ending) => Object.keys(delimiters).map((delimiter) => [kind, ending, delimiter] as [keyof typeof kinds, keyof typeof endings, keyof typeof delimiters])),
);

describe('a row with too few or too many values', () => {
  it.each(cases)('%s, %s, %s: both are reported with their line and count, with and without --accept-rejects', async (kind, ending, delimiter) => {
    const { table, header, row } = kinds[kind];
    const d = delimiters[delimiter];
    const n = header.length;
    // Line 1 header; 2, 3 good; 4 short (the first 4 values); 5 good; 6 long (two extra values); 7 good.
    const short = row(4).slice(0, 4).join(d);
    const long = [...row(6), 'x', 'y'].join(d);
    const lines = [header.join(d), row(2).join(d), row(3).join(d), short, row(5).join(d), long, row(7).join(d)];
    const text = lines.join(endings[ending]) + endings[ending];
    const expected = [
      { line: 4, column: header[4], message: `the row has 4 values instead of ${n} (a value or a delimiter is missing)` },
      { line: 6, column: null, message: `the row has ${n + 2} values instead of ${n} (an unquoted value containing the delimiter?)` },
    ];
    const kept = expected.map((e) => ({ line: e.line, column_name: e.column, message: e.message, raw_line: lines[e.line - 1] }));
    const rejectedRows = (importId: number) =>
      rows(warehouse, `SELECT line, column_name, message, raw_line FROM import_rejected_row WHERE import_id = ${importId} ORDER BY line`);

    const refused = await importText(text);
    expect(refused).toMatchObject({ kind, status: 'rejected', rowsRead: 6, rowsImported: 0, rowsRejected: 2 });
    expect(refused.errors).toEqual(expected);
    expect(await rejectedRows(refused.importId!)).toEqual(kept);
    expect(await rows(warehouse, `SELECT count(*)::INTEGER AS n FROM ${table} WHERE import_id = ${refused.importId}`)).toEqual([{ n: 0 }]);

    const accepted = await importText(text, true);
    expect(accepted).toMatchObject({ kind, status: 'imported', rowsRead: 6, rowsImported: 4, rowsRejected: 2 });
    expect(accepted.errors).toEqual(expected);
    expect(await rejectedRows(accepted.importId!)).toEqual(kept);
    // The four good rows, each with its own line.
    expect(await rows(warehouse, `SELECT source_line FROM ${table} WHERE import_id = ${accepted.importId} ORDER BY source_line`)).toEqual([
      { source_line: 2 },
      { source_line: 3 },
      { source_line: 5 },
      { source_line: 7 },
    ]);
  });

  it('reports the example of the issue: line 4 of a hospital-stays file', async () => {
    const text = [hospitalColumns.join(';'), kinds.sykehusopphold.row(20).join(';'), kinds.sykehusopphold.row(21).join(';'), 'H00802;HP00802;4204;80'].join('\n') + '\n';
    const result = await importText(text);
    expect(result.errors).toEqual([{ line: 4, column: 'kjonn', message: 'the row has 4 values instead of 12 (a value or a delimiter is missing)' }]);
  });

  it('says "1 value" for a row without a delimiter, and numbers consecutive bad rows at the start', async () => {
    // Line 2: one value; 3: eleven; 4: thirteen (an empty extra value after a non-empty one); 5 good.
    const good = kinds.sykehusopphold.row(30);
    const text = [hospitalColumns.join(';'), 'H1', good.slice(0, 11).join(';'), [...good, 'x', ''].join(';'), kinds.sykehusopphold.row(31).join(';')].join('\n') + '\n';
    const result = await importText(text, true);
    expect(result).toMatchObject({ status: 'imported', rowsRead: 4, rowsImported: 1, rowsRejected: 3 });
    expect(result.errors).toEqual([
      { line: 2, column: 'pasient_id', message: 'the row has 1 value instead of 12 (a value or a delimiter is missing)' },
      { line: 3, column: 'utskrevet_til', message: 'the row has 11 values instead of 12 (a value or a delimiter is missing)' },
      { line: 4, column: null, message: 'the row has 14 values instead of 12 (an unquoted value containing the delimiter?)' },
    ]);
    expect(await rows(warehouse, `SELECT stay_id, source_line FROM hospital_stay WHERE import_id = ${result.importId}`)).toEqual([{ stay_id: 'S31', source_line: 5 }]);
  });

  it.each(Object.entries(endings))('counts newlines inside quoted values of rejected rows when numbering later lines (%s)', async (_name, newline) => {
    // 1 header; 2 good; 3–4 long row whose quoted patient id holds a newline (13 values, the quoted
    // ";" is no delimiter); 5 short; 6–8 good with two quoted newlines; 9 empty (skipped); 10 a bad
    // age; 11 long.
    const good = (id: string, patient: string, age = '80') => `${id};${patient};4223;${age};K;2024-01-03;2024-01-10;1;J441;Quoted;;hjem`;
    const lines = [hospitalColumns.join(';'), good('Q1', 'p'), `${good('Q2', `"a;${newline}b"`)};extra`, 'Q3;p;4223', good('Q4', `"c${newline}d${newline}e"`), '', good('Q5', 'p', '200'), `${good('Q6', 'p')};x`];
    const result = await importText(lines.join(newline) + newline, true);
    expect(result.errors.map((e) => [e.line, e.column, e.message.slice(0, 36)])).toEqual([
      [3, null, 'the row has 13 values instead of 12 '],
      [5, 'alder', 'the row has 3 values instead of 12 ('],
      [10, 'alder', '"200" is not an age between 0 and 12'],
      [11, null, 'the row has 13 values instead of 12 '],
    ]);
    expect(await rows(warehouse, `SELECT stay_id, source_line FROM hospital_stay WHERE import_id = ${result.importId} ORDER BY source_line`)).toEqual([
      { stay_id: 'Q1', source_line: 2 },
      { stay_id: 'Q4', source_line: 6 },
    ]);
  });
});
