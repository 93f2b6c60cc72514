// Every row rule of extracts.md, each with a small file: the rejection names the file's own line
// (header = line 1), the column by its canonical name, and a reason a person can act on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../pipeline/db.ts';
import { importFile } from '../../pipeline/import.ts';
import { tempDir } from '../helpers/temp.ts';
import { csv, freshWarehouse, hospitalColumns, rows, stay, writeExtract, type Row } from './extracts.ts';

const dir = tempDir();
let warehouse: Warehouse;
let fileNumber = 0;

beforeAll(async () => {
  warehouse = await freshWarehouse(dir.path, 'rules');
});
afterAll(() => {
  warehouse.close();
  dir.remove();
});

async function importText(content: string | Buffer, acceptRejects = false) {
  const path = writeExtract(dir.path, `rules-${++fileNumber}.csv`, content);
  return importFile(warehouse, path, { acceptRejects });
}

/** Two good stays (lines 2 and 3), then the bad one on line 4. */
const withBadThird = (bad: Row) => csv(hospitalColumns, [stay({ opphold_id: 'G1' }), stay({ opphold_id: 'G2' }), stay({ opphold_id: 'B', ...bad })]);

describe('row rules (sykehusopphold)', () => {
  it.each<[string, Row, string, string]>([
    ['an impossible date', { utskrevet: '31.02.2024' }, 'utskrevet', '"31.02.2024" is not a date (use YYYY-MM-DD or DD.MM.YYYY, optionally followed by HH:MM)'],
    ['discharge before admission', { innskrevet: '2024-01-10', utskrevet: '2024-01-09' }, 'utskrevet', '"2024-01-09" is before innskrevet "2024-01-10"'],
    ['ready before admission', { innskrevet: '2024-01-10', utskrivningsklar: '2024-01-09' }, 'utskrivningsklar', '"2024-01-09" is before innskrevet "2024-01-10"'],
    ['ready after discharge', { utskrivningsklar: '2024-01-11' }, 'utskrivningsklar', '"2024-01-11" is after utskrevet "2024-01-10 12:00"'],
    ['an unknown municipality', { kommunenr: '9999' }, 'kommunenr', '"9999" is not a known municipality number (current or historical)'],
    ['age 200', { alder: '200' }, 'alder', '"200" is not an age between 0 and 120'],
    ['an age that is no number', { alder: 'åtti' }, 'alder', '"åtti" is not a whole number of years'],
    ['a missing patient', { pasient_id: '' }, 'pasient_id', 'a value is required'],
    ['an unknown sex code', { kjonn: '3' }, 'kjonn', '"3" is not a sex code (use M or K, or NPR 1 = mann, 2 = kvinne)'],
    ['an unknown urgency', { hastegrad: '2' }, 'hastegrad', '"2" is not an urgency code (use akutt or planlagt, or NPR 1, 4 or 3)'],
    ['a malformed diagnosis', { hovedtilstand: '44.1' }, 'hovedtilstand', '"44.1" is not a diagnosis code (ICD-10 like J44.1 or J441, or ICPC-2 like R96)'],
    ['an unknown destination', { utskrevet_til: 'sykehjem' }, 'utskrevet_til', '"sykehjem" is not a destination (use hjem, kommunal, sykehus, dod, annet)'],
  ])('rejects %s', async (_case, bad, column, message) => {
    const result = await importText(withBadThird(bad));
    expect(result).toMatchObject({ status: 'rejected', rowsRead: 3, rowsImported: 0, rowsRejected: 1 });
    expect(result.errors).toEqual([{ line: 4, column, message }]);
  });

  it('rejects a date in the future of the import', async () => {
    const result = await importText(withBadThird({ innskrevet: '2099-01-01', utskrevet: '' }));
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ line: 4, column: 'innskrevet' });
    expect(result.errors[0]?.message).toMatch(/^"2099-01-01" is in the future/);
  });

  it('rejects the second occurrence of a natural key, naming the first line', async () => {
    const result = await importText(csv(hospitalColumns, [stay({ opphold_id: 'X' }), stay({ opphold_id: 'Y' }), stay({ opphold_id: 'X', pasient_id: 'P9' })]));
    expect(result.errors).toEqual([
      { line: 4, column: 'opphold_id', message: 'the same behandlingssted, opphold_id as line 2 (each may appear only once in a file)' },
    ]);
  });

  it('accepts the same stay id at another hospital', async () => {
    const result = await importText(csv(hospitalColumns, [stay({ opphold_id: 'Z', behandlingssted: 'A' }), stay({ opphold_id: 'Z', behandlingssted: 'B' })]));
    expect(result).toMatchObject({ status: 'imported', rowsImported: 2 });
  });

  it('reports every broken rule of a row, in column order', async () => {
    const result = await importText(withBadThird({ kommunenr: '9999', alder: '200' }));
    expect(result.errors.map((e) => [e.line, e.column])).toEqual([
      [4, 'kommunenr'],
      [4, 'alder'],
    ]);
    expect(result.rowsRejected).toBe(1);
  });
});

describe('structural problems', () => {
  it('rejects a ragged row (too few values) naming the first missing column', async () => {
    const text = csv(hospitalColumns, [stay({ opphold_id: 'R1' })]) + 'R2;P2;4223;82\n' + csv(hospitalColumns, [stay({ opphold_id: 'R3' })]).split('\n')[1] + '\n';
    const result = await importText(text);
    expect(result).toMatchObject({ status: 'rejected', rowsRead: 3, rowsRejected: 1 });
    expect(result.errors).toEqual([{ line: 3, column: 'kjonn', message: 'the row has 4 values instead of 12 (a value or a delimiter is missing)' }]);
  });

  it('rejects a row with too many values', async () => {
    const text = csv(hospitalColumns, [stay({ opphold_id: 'T1' }), stay({ opphold_id: 'T2', utskrevet_til: 'hjem;ekstra' })]);
    const result = await importText(text);
    expect(result.errors).toEqual([{ line: 3, column: null, message: 'the row has 13 values instead of 12 (an unquoted value containing the delimiter?)' }]);
  });

  it('rejects an unterminated quote', async () => {
    const text = csv(hospitalColumns, [stay({ opphold_id: 'Q1' }), stay({ opphold_id: 'Q2', pasient_id: '"P2' }), stay({ opphold_id: 'Q3' })]);
    const result = await importText(text);
    expect(result.status).toBe('rejected');
    expect(result.errors[0]).toMatchObject({ line: 3, column: 'pasient_id' });
    expect(result.errors[0]?.message).toMatch(/quote/);
  });

  it('counts quoted newlines and rejected rows when numbering later lines', async () => {
    // line 1 header; 2–4 stay A with two newlines inside quotes; 5 ragged; 6 stay C; 7–8 stay D
    // (newline inside quotes); 9 stay E with a bad age.
    const good = (id: string, patient: string, age = '80') => `${id};${patient};4223;${age};K;2024-01-03;2024-01-10;1;J441;Lines;;hjem\n`;
    const text = `${hospitalColumns.join(';')}\n` + good('A', '"a\nb\nc"') + 'B;P;4223\n' + good('C', 'c') + good('D', '"d\r\ne"') + good('E', 'e', '200');
    const result = await importText(text);
    expect(result.errors.map((e) => [e.line, e.column])).toEqual([
      [5, 'alder'],
      [9, 'alder'],
    ]);
    expect(result.rowsRead).toBe(5);
  });

  it('skips empty lines between rows and still reports the file\'s own line numbers', async () => {
    const [header, first, second] = csv(hospitalColumns, [stay({ opphold_id: 'E1', behandlingssted: 'Blank' }), stay({ opphold_id: 'E2', behandlingssted: 'Blank' })]).split('\n');
    const result = await importText(`${header}\n${first}\n\n${second}\n\n`);
    expect(result).toMatchObject({ status: 'imported', rowsRead: 2, rowsImported: 2 });
    expect(result.warnings).toEqual([
      'the file has 2 empty lines (line 3, 5); they are skipped, and the line numbers in this report are those of the file',
    ]);
    const trailingOnly = await importText(csv(hospitalColumns, [stay({ opphold_id: 'E3', behandlingssted: 'Blank' })]) + '\n\n');
    expect(trailingOnly).toMatchObject({ status: 'imported', warnings: [] });
  });

  it('numbers rows after empty lines (LF and CRLF) as the file does, also around quoted and ragged rows', async () => {
    // 1 header; 2 empty; 3 good F1; 4 empty (CRLF); 5 empty; 6 F2 with a bad age; 7–9 F3 whose quoted
    // patient id holds an empty line (part of the value, not skipped); 10 ragged; 11 empty; 12 F4 with
    // a bad age.
    const good = (id: string, patient: string, age = '80') => `${id};${patient};4223;${age};K;2024-01-03;2024-01-10;1;J441;Blank2;;hjem`;
    const lines = [hospitalColumns.join(';'), '', good('F1', 'p1'), '\r', '', good('F2', 'p2', '200'), good('F3', '"x\n\ny"'), 'F9;P;4223', '', good('F4', 'p4', '300')];
    const result = await importText(lines.join('\n') + '\n', true);
    expect(result.errors.map((e) => [e.line, e.column])).toEqual([
      [6, 'alder'],
      [10, 'alder'],
      [12, 'alder'],
    ]);
    expect(result).toMatchObject({ rowsRead: 5, rowsImported: 2 });
    expect(result.warnings[0]).toBe('the file has 4 empty lines (line 2, 4, 5, 11); they are skipped, and the line numbers in this report are those of the file');
    // The empty line inside F3's quoted value is part of the value.
    expect(await rows(warehouse, `SELECT patient_id FROM hospital_stay WHERE stay_id = 'F3'`)).toEqual([{ patient_id: 'x\n\ny' }]);
  });

  it('rejects binary garbage as a whole', async () => {
    const garbage = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00, 0xff, 0xfe, 0x01, 0x02, 0x00, 0x9c]);
    const result = await importText(garbage);
    expect(result).toMatchObject({ status: 'rejected', kind: null, rowsRead: 0 });
    expect(result.errors).toEqual([{ line: null, column: null, message: 'not a text (CSV) file: it contains binary data' }]);
  });

  it('rejects an empty file', async () => {
    const result = await importText('');
    expect(result.errors).toEqual([{ line: null, column: null, message: 'the file is empty' }]);
  });

  it('rejects a file of an unknown kind, naming the missing columns of the closest kind', async () => {
    const result = await importText('opphold_id;pasient_id;kommunenr;alder;kjonn;innskrevet;utskrevet;hastegrad;hovedtilstand;behandlingssted\nS;P;4223;80;K;2024-01-01;;1;J441;X\n');
    expect(result).toMatchObject({ status: 'rejected', kind: null });
    expect(result.errors).toEqual([
      { line: null, column: null, message: 'not a known extract kind: closest is sykehusopphold, which needs the missing columns utskrivningsklar, utskrevet_til' },
    ]);
  });
});

describe('the other kinds', () => {
  it('rejects bad KAD units and population rows', async () => {
    const units = await importText(
      'enhet;navn;vertskommune;kommuner;senger;gyldig_fra;gyldig_til\n' +
        'U1;Unit;4204;4204 9999;0;2024-01-01;2023-12-31\n',
    );
    expect(units.errors).toEqual([
      { line: 2, column: 'kommuner', message: 'unknown municipality number 9999 in the list' },
      { line: 2, column: 'senger', message: '"0" beds: a unit needs at least 1 bed' },
      { line: 2, column: 'gyldig_til', message: '"2023-12-31" is before gyldig_fra "2024-01-01"' },
    ]);
    // Line 4 repeats line 3 (sex 1 = M); duplicates are looked for among rows that pass the row rules.
    const population = await importText('kommunenr;aar;kjonn;alder;antall\n4223;2024;M;80-67;5\n4223;2024;M;67;5\n4223;2024;1;67;3\n4223;2024;K;67;-1\n');
    expect(population.errors).toEqual([
      { line: 2, column: 'alder', message: '"80-67" is not an age band within 0–120' },
      { line: 4, column: 'alder', message: 'the same kommunenr, aar, kjonn, alder as line 3 (each may appear only once in a file)' },
      { line: 5, column: 'antall', message: '"-1" is negative; a count must be 0 or more' },
    ]);
  });
});

describe('--accept-rejects', () => {
  it('imports the good rows and keeps the rejected ones with their reasons', async () => {
    const result = await importText(withBadThird({ behandlingssted: 'Accept', alder: '200' }), true);
    expect(result).toMatchObject({ status: 'imported', rowsRead: 3, rowsImported: 2, rowsRejected: 1 });
    const kept = await rows(warehouse, `SELECT line, column_name, message, raw_line FROM import_rejected_row WHERE import_id = ${result.importId}`);
    expect(kept).toEqual([
      { line: 4, column_name: 'alder', message: '"200" is not an age between 0 and 120', raw_line: 'B;P1;4223;200;K;2024-01-03 10:15;2024-01-10 12:00;1;J44.1;Accept;;hjem' },
    ]);
  });

  it('keeps the first occurrence of a duplicated stay and rejects the later one', async () => {
    // Lines 2 (D1, age 70), 3 (D2), 4 (D1 again, age 71): D1 from line 2 and D2 go in.
    const text = csv(hospitalColumns, [
      stay({ behandlingssted: 'AcceptDup', opphold_id: 'D1', alder: '70' }),
      stay({ behandlingssted: 'AcceptDup', opphold_id: 'D2' }),
      stay({ behandlingssted: 'AcceptDup', opphold_id: 'D1', alder: '71' }),
    ]);
    const result = await importText(text, true);
    expect(result).toMatchObject({ status: 'imported', rowsRead: 3, rowsImported: 2, rowsRejected: 1 });
    expect(await rows(warehouse, `SELECT stay_id, age, source_line FROM hospital_stay WHERE hospital = 'AcceptDup' ORDER BY stay_id`)).toEqual([
      { stay_id: 'D1', age: 70, source_line: 2 },
      { stay_id: 'D2', age: 82, source_line: 3 },
    ]);
  });
});
