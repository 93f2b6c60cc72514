// SSB's own formats straight as SSB serves them (issue 13 §1): JSON-stat 2.0 from PxWebApi and
// StatBank's CSV download. Registered population (no alternative, table 07459) goes to population;
// projections (an alternative, table 14288) go to population_projection with their vintage, and a
// re-import of a vintage replaces it. Hand-made files in SSB's exact shapes.
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../pipeline/db.ts';
import { importFile } from '../../pipeline/import.ts';
import { tempDir } from '../helpers/temp.ts';
import { freshWarehouse, rows, writeExtract } from './extracts.ts';

const dir = tempDir();
let warehouse: Warehouse;
beforeAll(async () => {
  warehouse = await freshWarehouse(dir.path, 'ssb-formats');
});
afterAll(() => {
  warehouse.close();
  dir.remove();
});

type Categories = Record<string, string>;
const dimension = (label: string, labels: Categories) => ({
  label,
  category: { index: Object.fromEntries(Object.keys(labels).map((code, i) => [code, i])), label: labels },
});

/** A PxWebApi-shaped JSON-stat 2.0 dataset; values 1, 2, 3, … in row-major order unless given. */
function jsonStat(title: string, dimensions: Record<string, ReturnType<typeof dimension>>, extra: { updated?: string; value?: (number | null)[] } = {}) {
  const id = Object.keys(dimensions);
  const size = id.map((d) => Object.keys(dimensions[d]!.category.label).length);
  const n = size.reduce((p, s) => p * s, 1);
  return {
    version: '2.0',
    class: 'dataset',
    label: title,
    source: 'Statistisk sentralbyrå',
    updated: extra.updated ?? '2024-06-18T06:00:00Z',
    id,
    size,
    dimension: dimensions,
    value: extra.value ?? Array.from({ length: n }, (_, p) => p + 1),
    role: { geo: ['Region'], time: ['Tid'], metric: ['ContentsCode'] },
    extension: { px: { tableid: title.slice(0, 5), decimals: 0 } },
  };
}

// 14288-style projection: Kristiansand under its current code (K-4204) and Lillesand under its code
// before 2020 (K-0926 → 4215), both sexes, ages 000 and 105+, three alternatives as contents codes,
// 2030 and 2040: 2 × 2 × 2 × 3 × 2 = 48 values, value = position (1 … 48).
const projectionDimensions = {
  Region: dimension('region', { 'K-4204': 'Kristiansand', 'K-0926': 'Lillesand (-2019)' }),
  Kjonn: dimension('kjønn', { '1': 'Menn', '2': 'Kvinner' }),
  Alder: dimension('alder', { '000': '0 år', '105+': '105 år eller eldre' }),
  ContentsCode: dimension('statistikkvariabel', { MMMM: 'Hovedalternativet (MMMM)', LLML: 'Lav nasjonal vekst (LLML)', HHMH: 'Høy nasjonal vekst (HHMH)' }),
  Tid: dimension('år', { '2030': '2030', '2040': '2040' }),
};
const projection = jsonStat('14288: Framskrevet folkemengde 1. januar, etter region, kjønn, alder, statistikkvariabel og år', projectionDimensions);

// 07459-style registered population: 4204 (bare code) and K-4223, ages 000 and 105+, 2023 and 2024:
// 2 × 2 × 2 × 1 × 2 = 16 values 1 … 16, sum 136.
const registered = jsonStat('07459: Befolkning, etter region, kjønn, alder, statistikkvariabel og år', {
  Region: dimension('region', { '4204': 'Kristiansand', 'K-4223': 'Vennesla' }),
  Kjonn: dimension('kjønn', { '1': 'Menn', '2': 'Kvinner' }),
  Alder: dimension('alder', { '000': '0 år', '105+': '105 år eller eldre' }),
  ContentsCode: dimension('statistikkvariabel', { Personer1: 'Personer' }),
  Tid: dimension('år', { '2023': '2023', '2024': '2024' }),
});

const write = (name: string, content: string | Buffer) => writeExtract(dir.path, name, content);
const pretty = (value: unknown) => JSON.stringify(value, null, 2);
const lineOf = (text: string, token: string, after = 0) => text.slice(0, text.indexOf(token, after)).split('\n').length;

describe('JSON-stat 2.0 from PxWebApi', () => {
  it('imports a projection with K- codes, an old code, 105+ and three alternatives into population_projection, vintage from updated', async () => {
    const result = await importFile(warehouse, write('14288.json', JSON.stringify(projection)));
    expect(result).toMatchObject({ kind: 'framskriving', status: 'imported', rowsRead: 48, rowsImported: 48, rowsRejected: 0, errors: [] });
    expect(result.warnings).toContain('projection vintage 2024 (MMMM, LLML, HHMH; 2030–2040)');
    // Position 48 = K-0926, Kjonn 2, 105+, HHMH, 2040: Lillesand's old code under its current code 4215.
    expect(await rows(warehouse, `SELECT * EXCLUDE (import_id) FROM population_projection WHERE source_line IN (1, 48) ORDER BY source_line`)).toEqual([
      { vintage: '2024', alternative: 'MMMM', municipality_code: '4204', municipality_code_raw: 'K-4204', year: 2030, sex: 'M', age_from: 0, age_to: 0, count: 1, source_line: 1 },
      { vintage: '2024', alternative: 'HHMH', municipality_code: '4215', municipality_code_raw: 'K-0926', year: 2040, sex: 'K', age_from: 105, age_to: 120, count: 48, source_line: 48 },
    ]);
    // Alternative c (MMMM 0, LLML 1, HHMH 2) of region·sex·age cell q (0…7) and year t (0…1) is at
    // position p = 6q + 2c + t with value p + 1, so its sum is Σq (12q + 4c + 3) = 336 + 8 · (4c + 3):
    // MMMM 360, LLML 392, HHMH 424.
    expect(await rows(warehouse, `SELECT alternative, sum(count)::INTEGER AS persons FROM population_projection GROUP BY ALL ORDER BY alternative`)).toEqual([
      { alternative: 'HHMH', persons: 424 },
      { alternative: 'LLML', persons: 392 },
      { alternative: 'MMMM', persons: 360 },
    ]);
    // A projection never becomes registered population.
    expect(await rows(warehouse, `SELECT count(*)::INTEGER AS n FROM population`)).toEqual([{ n: 0 }]);
    expect(await rows(warehouse, `SELECT kind, status, rows_imported::INTEGER AS n FROM import_log WHERE import_id = ${result.importId}`)).toEqual([
      { kind: 'framskriving', status: 'imported', n: 48 },
    ]);
  });

  it('imports registered population (no alternative) into population, never into the projection table', async () => {
    const before = await rows(warehouse, `SELECT count(*)::INTEGER AS n FROM population_projection`);
    const result = await importFile(warehouse, write('07459.json', pretty(registered)));
    expect(result).toMatchObject({ kind: 'befolkning', status: 'imported', rowsImported: 16, errors: [] });
    expect(await rows(warehouse, `SELECT municipality_code, municipality_code_raw, sum(count)::INTEGER AS persons FROM population GROUP BY ALL ORDER BY 1`)).toEqual([
      { municipality_code: '4204', municipality_code_raw: '4204', persons: 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 },
      { municipality_code: '4223', municipality_code_raw: 'K-4223', persons: 9 + 10 + 11 + 12 + 13 + 14 + 15 + 16 },
    ]);
    expect(await rows(warehouse, `SELECT sex, sex_raw, age_from, age_to, age_raw FROM population WHERE source_line = 4`)).toEqual([
      { sex: 'M', sex_raw: '1', age_from: 105, age_to: 120, age_raw: '105+' },
    ]);
    expect(await rows(warehouse, `SELECT count(*)::INTEGER AS n FROM population_projection`)).toEqual(before);
  });

  it('refuses registered population in a future year: without an alternative it is not a projection', async () => {
    const future = jsonStat('07459: Befolkning', { ...registered.dimension, Tid: dimension('år', { '2024': '2024', '2040': '2040' }) });
    const text = pretty(future);
    const result = await importFile(warehouse, write('07459-future.json', text));
    expect(result.status).toBe('rejected');
    expect(result.errors).toEqual([
      { line: lineOf(text, '"2040"', text.indexOf('"index"', text.indexOf('"Tid"'))), column: 'Tid', message: expect.stringMatching(/^year 2040 is after \d{4}, the year of this import, and the table has no projection alternative/) },
    ]);
  });

  it('rejects a cube whose values do not fill its size, saying both numbers', async () => {
    const text = pretty({ ...projection, value: projection.value.slice(0, 47) });
    const result = await importFile(warehouse, write('short.json', text));
    expect(result).toMatchObject({ status: 'rejected', rowsImported: 0 });
    expect(result.errors).toEqual([
      { line: lineOf(text, '"value"'), column: 'value', message: 'value has 47 entries, but size (2 × 2 × 2 × 3 × 2) makes 48: the file is cut short or not one table' },
    ]);
  });

  it('rejects an unknown sex code at the line that gives it', async () => {
    const odd = jsonStat('14288: Framskrevet folkemengde', { ...projectionDimensions, Kjonn: dimension('kjønn', { '1': 'Menn', '3': 'Ukjent' }) });
    const text = pretty(odd);
    const result = await importFile(warehouse, write('sex3.json', text));
    expect(result.status).toBe('rejected');
    expect(result.errors).toEqual([
      { line: lineOf(text, '"3"', text.indexOf('"Kjonn"')), column: 'Kjonn', message: 'sex "3" (Ukjent) is not 1 (menn) or 2 (kvinner); select the two sexes, not "begge kjønn", when downloading' },
    ]);
    expect(await rows(warehouse, `SELECT line, column_name FROM import_rejected_row WHERE import_id = ${result.importId}`)).toEqual([{ line: result.errors[0]!.line, column_name: 'Kjonn' }]);
  });

  it('replaces a vintage on re-import and says how many rows it replaced; an identical file changes nothing', async () => {
    // The same vintage (updated 2024) with the main alternative only: 2 × 2 × 2 × 1 × 2 = 16 values.
    const mainOnly = jsonStat('14288: Framskrevet folkemengde', { ...projectionDimensions, ContentsCode: dimension('statistikkvariabel', { MMMM: 'Hovedalternativet (MMMM)' }) });
    const path = write('14288-main.json', JSON.stringify(mainOnly));
    const result = await importFile(warehouse, path);
    expect(result).toMatchObject({ status: 'imported', rowsImported: 16 });
    expect(result.warnings).toContain('replaced projection vintage 2024: 48 rows before; now projection vintage 2024 (MMMM; 2030–2040)');
    expect(await rows(warehouse, `SELECT vintage, count(*)::INTEGER AS n, sum(count)::INTEGER AS persons FROM population_projection GROUP BY ALL`)).toEqual([
      { vintage: '2024', n: 16, persons: 136 },
    ]);
    const again = await importFile(warehouse, path);
    expect(again.status).toBe('unchanged');
  });
});

// StatBank's "semikolonseparert med overskrift", saved in Windows-1252 (kjønn, år): a vintage-2022
// projection from the file name, Kristiansand under its code before 2020 (K-1001) and today's.
const statBankCsv = [
  '"14288: Framskrevet folkemengde 1. januar, etter region, kjønn, alder, statistikkvariabel og år"',
  '',
  '"region";"kjønn";"alder";"statistikkvariabel";"år";"14288: Framskrevet folkemengde 1. januar, etter region, kjønn, alder, statistikkvariabel og år"',
  '"4204 Kristiansand";"Menn";"0 år";"Hovedalternativet (MMMM)";"2030";612',
  '"4204 Kristiansand";"Kvinner";"105 år eller eldre";"Hovedalternativet (MMMM)";"2030";7',
  '"K-1001 Kristiansand (-2019)";"Kvinner";"0 år";"Lav nasjonal vekst (LLML)";"2030";-',
  '"4204 Kristiansand";"Kvinner";"0 år";"Høy nasjonal vekst (HHMH)";"2030";..',
  '',
].join('\r\n');

describe("StatBank's CSV download", () => {
  it('imports a Windows-1252 file with "0 år" and "105 år eller eldre", lines counted as in the file', async () => {
    const result = await importFile(warehouse, write('framskriving_2022.csv', iconv.encode(statBankCsv, 'win1252')));
    expect(result).toMatchObject({ kind: 'framskriving', status: 'imported', rowsRead: 4, rowsImported: 3, errors: [] });
    expect(result.warnings).toContain('1 value is empty in SSB\'s table (.., . or :) and was skipped');
    expect(await rows(warehouse, `SELECT alternative, municipality_code, municipality_code_raw, sex, age_from, age_to, count, source_line
      FROM population_projection WHERE vintage = '2022' ORDER BY source_line`)).toEqual([
      { alternative: 'MMMM', municipality_code: '4204', municipality_code_raw: '4204', sex: 'M', age_from: 0, age_to: 0, count: 612, source_line: 4 },
      { alternative: 'MMMM', municipality_code: '4204', municipality_code_raw: '4204', sex: 'K', age_from: 105, age_to: 120, count: 7, source_line: 5 },
      // SSB's "-" is nil: 0 persons.
      { alternative: 'LLML', municipality_code: '4204', municipality_code_raw: 'K-1001', sex: 'K', age_from: 0, age_to: 0, count: 0, source_line: 6 },
    ]);
    // The 2024 vintage imported above is untouched.
    expect(await rows(warehouse, `SELECT count(*)::INTEGER AS n FROM population_projection WHERE vintage = '2024'`)).toEqual([{ n: 16 }]);
  });

  it('rejects a value that is not a number with its line and column, importing nothing', async () => {
    const broken = statBankCsv.replace('"2030";7', '"2030";sju');
    const result = await importFile(warehouse, write('framskriving_2020.csv', iconv.encode(broken, 'win1252')));
    expect(result).toMatchObject({ status: 'rejected', rowsImported: 0, rowsRejected: 1 });
    expect(result.errors).toEqual([
      { line: 5, column: '14288: Framskrevet folkemengde 1. januar, etter region, kjønn, alder, statistikkvariabel og år', message: 'the value (region 4204 Kristiansand, kjønn Kvinner, alder 105 år eller eldre, statistikkvariabel Hovedalternativet (MMMM), år 2030) is not a number' },
    ]);
    expect(await rows(warehouse, `SELECT count(*)::INTEGER AS n FROM population_projection WHERE vintage = '2020'`)).toEqual([{ n: 0 }]);
  });
});

// StatBank's wide layout (PxWeb's default heading): one value column per variable and year, a row
// holding several values. UTF-8 this time, and no vintage in the title: it comes from the file name.
const wideProjection = [
  '"14288: Framskrevet folkemengde 1. januar, etter region, kjønn, alder, statistikkvariabel og år"',
  '',
  '"region";"kjønn";"alder";"Hovedalternativet (MMMM) 2030";"Hovedalternativet (MMMM) 2040";"Lav nasjonal vekst (LLML) 2030";"Lav nasjonal vekst (LLML) 2040"',
  '"4215 Lillesand";"Menn";"80 år";41;63;40;58',
  '"4215 Lillesand";"Kvinner";"105 år eller eldre";1;2;..;1',
].join('\n');

describe("StatBank's wide CSV layout", () => {
  it('reads a row per region, sex and age with a value per alternative and year, the header naming both', async () => {
    const result = await importFile(warehouse, write('framskriving_2018.csv', Buffer.from(wideProjection)));
    // 2 rows × 4 value columns = 8 values, one empty ("..").
    expect(result).toMatchObject({ kind: 'framskriving', status: 'imported', rowsRead: 8, rowsImported: 7, errors: [] });
    expect(await rows(warehouse, `SELECT alternative, year, sex, age_from, age_to, count, source_line FROM population_projection
      WHERE vintage = '2018' ORDER BY source_line, alternative DESC, year`)).toEqual([
      { alternative: 'MMMM', year: 2030, sex: 'M', age_from: 80, age_to: 80, count: 41, source_line: 4 },
      { alternative: 'MMMM', year: 2040, sex: 'M', age_from: 80, age_to: 80, count: 63, source_line: 4 },
      { alternative: 'LLML', year: 2030, sex: 'M', age_from: 80, age_to: 80, count: 40, source_line: 4 },
      { alternative: 'LLML', year: 2040, sex: 'M', age_from: 80, age_to: 80, count: 58, source_line: 4 },
      { alternative: 'MMMM', year: 2030, sex: 'K', age_from: 105, age_to: 120, count: 1, source_line: 5 },
      { alternative: 'MMMM', year: 2040, sex: 'K', age_from: 105, age_to: 120, count: 2, source_line: 5 },
      { alternative: 'LLML', year: 2040, sex: 'K', age_from: 105, age_to: 120, count: 1, source_line: 5 },
    ]);
  });

  it('reads registered population headed by year alone ("Personer 2023"), without the title line', async () => {
    const wide = ['"region";"kjønn";"alder";"Personer 2022";"Personer 2023"', '"4201 Risør";"Kvinner";"90 år";30;32', '"4201 Risør";"Menn";"90 år";12;-'].join('\r\n');
    const result = await importFile(warehouse, write('befolkning_risor.csv', iconv.encode(wide, 'win1252')));
    expect(result).toMatchObject({ kind: 'befolkning', status: 'imported', rowsImported: 4, errors: [] });
    expect(await rows(warehouse, `SELECT year, sex, count FROM population WHERE municipality_code = '4201' ORDER BY year, sex`)).toEqual([
      { year: 2022, sex: 'K', count: 30 }, { year: 2022, sex: 'M', count: 12 }, { year: 2023, sex: 'K', count: 32 }, { year: 2023, sex: 'M', count: 0 },
    ]);
  });

  it('names the value column of a bad value, and refuses a heading without years, importing nothing', async () => {
    const bad = wideProjection.replace(';40;58', ';40;fem');
    const result = await importFile(warehouse, write('framskriving_2016.csv', Buffer.from(bad)));
    expect(result).toMatchObject({ status: 'rejected', rowsImported: 0 });
    expect(result.errors).toEqual([
      { line: 4, column: 'Lav nasjonal vekst (LLML) 2040', message: 'the value (region 4215 Lillesand, kjønn Menn, alder 80 år, år 2040, statistikkvariabel Lav nasjonal vekst (LLML)) is not a number' },
    ]);
    const noYears = ['"14288: Framskrevet folkemengde"', '"region";"kjønn";"alder";"Hovedalternativet (MMMM)";"Lav nasjonal vekst (LLML)"', '"4215 Lillesand";"Menn";"80 år";41;40'].join('\n');
    const refused = await importFile(warehouse, write('framskriving_2014.csv', Buffer.from(noYears)));
    expect(refused.status).toBe('rejected');
    expect(refused.errors[0]).toMatchObject({ line: 2, message: expect.stringContaining('"Hovedalternativet (MMMM)", "Lav nasjonal vekst (LLML)" name no year') });
    expect(await rows(warehouse, `SELECT count(*)::INTEGER AS n FROM population_projection WHERE vintage IN ('2016', '2014')`)).toEqual([{ n: 0 }]);
  });
});

describe('a table too large to stage', () => {
  it('refuses a file whose categories span more than 2^31 cells, naming the sizes, before reading a value', async () => {
    // 1 000 rows, each with its own region label (all Kristiansand), age band and variable, two years
    // and sexes: 1 000 × 2 × 1 000 × 1 000 × 2 = 4 × 10^9 cells, from a file of 90 kB. Cell numbers
    // (and the bit per cell that finds repeated rows) need the cube bounded.
    const bands = Array.from({ length: 121 }, (_, from) => Array.from({ length: 121 - from }, (_, span) => `${from}-${from + span}`)).flat();
    const lines = ['"region";"kjønn";"alder";"statistikkvariabel";"år";"14288: Framskrevet folkemengde"'];
    for (let i = 0; i < 1000; i++)
      lines.push(`"4204 Kristiansand ${i}";"${i % 2 ? 'Menn' : 'Kvinner'}";"${bands[i]}";"Hovedalternativet (MMMM) ${i}";"${2030 + (i % 2)}";1`);
    const result = await importFile(warehouse, write('framskriving_2012.csv', Buffer.from(lines.join('\n'))));
    expect(result).toMatchObject({ status: 'rejected', rowsImported: 0 });
    expect(result.errors[0]!.message).toBe(
      'the table\'s categories (1000 region × 2 kjønn × 1000 alder × 1000 statistikkvariabel × 2 år) span 4.00e+9 cells; at most 2147483648 are read in one file: split it, e.g. by region',
    );
    expect(await rows(warehouse, `SELECT count(*)::INTEGER AS n FROM population_projection WHERE vintage = '2012'`)).toEqual([{ n: 0 }]);
  });
});
