// What the importer must accept without being told (extracts.md): encodings, delimiters, line
// endings, quoting, header spellings, historical municipality codes, all four kinds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { lockDown, importDirectoryFor, type Warehouse } from '../../pipeline/db.ts';
import { importFile } from '../../pipeline/import.ts';
import { tempDir } from '../helpers/temp.ts';
import { csv, freshWarehouse, hospitalColumns, rows, stay, writeExtract } from './extracts.ts';

const dir = tempDir();
let warehouse: Warehouse;
let fileNumber = 0;

beforeAll(async () => {
  warehouse = await freshWarehouse(dir.path, 'formats');
});
afterAll(() => {
  warehouse.close();
  dir.remove();
});

/** Imports `content` as a new file and returns the result; each test uses its own hospital name. */
async function importText(content: string | Buffer) {
  const path = writeExtract(dir.path, `extract-${++fileNumber}.csv`, content);
  return importFile(warehouse, path);
}

const stays = (hospital: string) =>
  rows(warehouse, `SELECT stay_id, patient_id, municipality_code, municipality_code_raw, source_line FROM hospital_stay WHERE hospital = '${hospital}' ORDER BY stay_id`);

describe('encodings', () => {
  const names = 'æøåÆØÅ € – ’';
  const content = (hospital: string) => csv(hospitalColumns, [stay({ behandlingssted: hospital, pasient_id: names })]);

  it('reads UTF-8', async () => {
    const result = await importText(content('UTF8 sykehus'));
    expect(result).toMatchObject({ status: 'imported', kind: 'sykehusopphold', rowsImported: 1 });
    expect((await stays('UTF8 sykehus'))[0]?.patient_id).toBe(names);
  });

  it('reads UTF-8 with a byte order mark (the BOM is not part of the first column name)', async () => {
    const result = await importText('\uFEFF' + content('BOM sykehus'));
    expect(result.status).toBe('imported');
    expect((await stays('BOM sykehus'))[0]?.patient_id).toBe(names);
  });

  it('transcodes Windows-1252 so that æøåÆØÅ, €, – and ’ survive', async () => {
    const bytes = iconv.encode(content('Sørlandet 1252'), 'win1252');
    expect(bytes.includes(0x80)).toBe(true); // € is 0x80 in Windows-1252 (latin-1 would refuse it)
    const result = await importText(bytes);
    expect(result.status).toBe('imported');
    expect((await stays('Sørlandet 1252'))[0]?.patient_id).toBe(names);
    const log = await rows(warehouse, `SELECT encoding FROM import_log WHERE import_id = ${result.importId}`);
    expect(log[0]?.encoding).toBe('windows-1252');
  });
});

describe('dialects', () => {
  it.each([
    [';', 'LF'],
    [',', 'LF'],
    ['\t', 'LF'],
    [';', 'CRLF'],
  ])('reads delimiter %j with %s line endings', async (delimiter, ending) => {
    const hospital = `Dialect ${{ ';': 'semicolon', ',': 'comma', '\t': 'tab' }[delimiter]} ${ending}`;
    const text = csv(hospitalColumns, [stay({ behandlingssted: hospital }), stay({ behandlingssted: hospital, opphold_id: 'S2' })], delimiter, ending === 'CRLF' ? '\r\n' : '\n');
    const result = await importText(text);
    expect(result).toMatchObject({ status: 'imported', rowsRead: 2, rowsImported: 2 });
    const imported = await rows(warehouse, `SELECT utskrevet_til FROM (SELECT discharged_to AS utskrevet_til FROM hospital_stay WHERE hospital = '${hospital}')`);
    expect(imported.map((r) => r.utskrevet_til)).toEqual(['hjem', 'hjem']); // no stray \r
  });

  it('keeps a quoted delimiter and a quoted newline inside the value, and counts lines of the file', async () => {
    // Line 1 header; line 2–3 stay A (newline inside quotes); line 4 stay B with "x;y" quoted.
    const text = `${hospitalColumns.join(';')}\n` +
      `A;"P\n1";4223;82;K;2024-01-03;2024-01-10;1;J441;Quoted;;hjem\n` +
      `B;"x;y";4223;82;K;2024-01-03;2024-01-10;1;J441;Quoted;;hjem\n`;
    expect((await importText(text)).status).toBe('imported');
    expect(await stays('Quoted')).toEqual([
      { stay_id: 'A', patient_id: 'P\n1', municipality_code: '4223', municipality_code_raw: '4223', source_line: 2 },
      { stay_id: 'B', patient_id: 'x;y', municipality_code: '4223', municipality_code_raw: '4223', source_line: 4 },
    ]);
  });
});

describe('headers', () => {
  it('accepts English aliases in any order, any case, with spaces', async () => {
    const header = ' Hospital ;STAY_ID;patient_id;municipality;age;sex;admitted;discharged;urgency;main_diagnosis;ready_for_discharge;discharged_to';
    const text = `${header}\nEnglish;E1;P1;4204;70;M;2024-02-01;2024-02-03;planlagt;I50;;hjem\n`;
    const result = await importText(text);
    expect(result).toMatchObject({ status: 'imported', kind: 'sykehusopphold', warnings: [] });
    expect((await stays('English'))[0]).toMatchObject({ stay_id: 'E1', municipality_code: '4204' });
  });

  it('ignores an unknown extra column with a warning', async () => {
    const text = csv([...hospitalColumns, 'kommentar'], [stay({ behandlingssted: 'Extra', kommentar: 'hei' })]);
    const result = await importText(text);
    expect(result.status).toBe('imported');
    expect(result.warnings).toEqual(['column "kommentar" is not part of sykehusopphold and was ignored']);
  });
});

describe('municipality codes', () => {
  it('maps old codes to the current one and keeps the code as delivered', async () => {
    // 1001 Kristiansand and 1017 Songdalen → 4204 (2020); 0602 Drammen → 3005 → 3301; 1507 Ålesund was split.
    const text = csv(hospitalColumns, [
      stay({ behandlingssted: 'Codes', opphold_id: 'a', kommunenr: '1001' }),
      stay({ behandlingssted: 'Codes', opphold_id: 'b', kommunenr: '1017' }),
      stay({ behandlingssted: 'Codes', opphold_id: 'c', kommunenr: '0602' }),
      stay({ behandlingssted: 'Codes', opphold_id: 'd', kommunenr: '1507' }),
    ]);
    expect((await importText(text)).status).toBe('imported');
    const mapped = await rows(warehouse, `SELECT municipality_code_raw AS raw, municipality_code AS code, municipality_mappable AS mappable FROM hospital_stay WHERE hospital = 'Codes' ORDER BY stay_id`);
    expect(mapped).toEqual([
      { raw: '1001', code: '4204', mappable: true },
      { raw: '1017', code: '4204', mappable: true },
      { raw: '0602', code: '3301', mappable: true },
      { raw: '1507', code: '1507', mappable: false },
    ]);
  });
});

describe('values', () => {
  it('normalises codes and reads every date form of extracts.md', async () => {
    const text = csv([...hospitalColumns, 'tjenesteomrade'], [
      stay({ behandlingssted: 'Values', opphold_id: '1', kjonn: '2', hastegrad: '3', innskrevet: '03.01.2024 10:15', utskrevet: '2024-01-05T08:30:15', tjenesteomrade: 'TSB' }),
      stay({ behandlingssted: 'Values', opphold_id: '2', kjonn: 'm', hastegrad: 'Akutt', innskrevet: '2024-01-03', utskrevet: '10.01.2024 12:00:30', utskrivningsklar: '2024-01-09 09:00', hovedtilstand: 'j18.9', tjenesteomrade: '' }),
    ]);
    expect((await importText(text)).status).toBe('imported');
    const imported = await rows(warehouse, `SELECT sex, urgency, admitted, discharged, ready_for_discharge, main_diagnosis, service_area FROM hospital_stay WHERE hospital = 'Values' ORDER BY stay_id`);
    expect(imported).toEqual([
      { sex: 'K', urgency: 'planlagt', admitted: '2024-01-03 10:15:00', discharged: '2024-01-05 08:30:15', ready_for_discharge: null, main_diagnosis: 'J441', service_area: 'tsb' },
      { sex: 'M', urgency: 'akutt', admitted: '2024-01-03 00:00:00', discharged: '2024-01-10 12:00:30', ready_for_discharge: '2024-01-09 09:00:00', main_diagnosis: 'J189', service_area: 'somatikk' },
    ]);
  });
});

describe('the other kinds', () => {
  it('imports KAD stays, KAD units and population', async () => {
    const kad = await importText(
      'opphold_id;pasient_id;enhet;kommunenr;alder;kjonn;innskrevet;utskrevet;hovedtilstand;utskrevet_til\n' +
        'K1;P1;KAD-KRS;4204;80;K;2024-01-01 10:00;2024-01-03 10:00;R96;sykehjem\n',
    );
    expect(kad).toMatchObject({ status: 'imported', kind: 'kad_opphold', rowsImported: 1 });

    const units = await importText(
      'unit,name,host_municipality,municipalities,beds,valid_from,valid_to\n' +
        'KAD-KRS,KAD Kristiansand,4204,"4204, 4223 1018",12,2020-01-01,31.12.2023\n' +
        'KAD-KRS,KAD Kristiansand,4204,4204,14,2024-01-01,\n',
    );
    expect(units).toMatchObject({ status: 'imported', kind: 'kad_enheter', rowsImported: 2, errors: [] });
    expect(await rows(warehouse, `SELECT municipalities, beds, valid_to FROM kad_unit ORDER BY valid_from`)).toEqual([
      { municipalities: ['4204', '4223'], beds: 12, valid_to: '2023-12-31' }, // 1018 Søgne is now 4204
      { municipalities: ['4204'], beds: 14, valid_to: null },
    ]);

    const population = await importText('kommunenr;aar;kjonn;alder;antall\n4223;2024;1;67;120\n4223;2024;2;67-79;900\n1001;2024;K;90+;40\n');
    expect(population).toMatchObject({ status: 'imported', kind: 'befolkning', rowsImported: 3 });
    expect(await rows(warehouse, `SELECT municipality_code AS code, sex, age_from, age_to, count FROM population ORDER BY age_from, age_to`)).toEqual([
      { code: '4223', sex: 'M', age_from: 67, age_to: 67, count: 120 },
      { code: '4223', sex: 'K', age_from: 67, age_to: 79, count: 900 },
      { code: '4204', sex: 'K', age_from: 90, age_to: 120, count: 40 },
    ]);
  });
});

describe('a locked-down warehouse', () => {
  it('still imports: the file is staged in the import directory first, and the staged copy removed', async () => {
    const locked = await freshWarehouse(dir.path, 'locked');
    try {
      await lockDown(locked, importDirectoryFor(locked));
      const utf8 = writeExtract(dir.path, 'locked-utf8.csv', csv(hospitalColumns, [stay({ behandlingssted: 'Locked' })]));
      const win = writeExtract(dir.path, 'locked-1252.csv', iconv.encode(csv(hospitalColumns, [stay({ behandlingssted: 'Låst', opphold_id: 'S2' })]), 'win1252'));
      expect((await importFile(locked, utf8)).status).toBe('imported');
      expect((await importFile(locked, win)).status).toBe('imported');
      expect(await rows(locked, 'SELECT hospital FROM hospital_stay ORDER BY hospital')).toEqual([{ hospital: 'Locked' }, { hospital: 'Låst' }]);
      const { readdirSync } = await import('node:fs');
      expect(readdirSync(importDirectoryFor(locked))).toEqual([]);
    } finally {
      locked.close();
    }
  });
});
