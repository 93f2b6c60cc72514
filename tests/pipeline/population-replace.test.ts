// Population keyed on the current municipality code (issue 12 §3): rows of one file that map to the
// same current municipality, year, sex and age are summed; a later file for the same current
// municipality and year replaces the earlier rows, never adds to them; the report says so; projected
// (future) years are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../pipeline/db.ts';
import { importFile } from '../../pipeline/import.ts';
import { installMetricViews } from '../../api/metrics/engine.ts';
import { tempDir } from '../helpers/temp.ts';
import { freshWarehouse, rows, writeExtract } from './extracts.ts';

const dir = tempDir();
let warehouse: Warehouse;
let fileNumber = 0;

beforeAll(async () => {
  warehouse = await freshWarehouse(dir.path, 'population-replace');
  await installMetricViews(warehouse);
});
afterAll(() => {
  warehouse.close();
  dir.remove();
});

const importText = (content: string) => importFile(warehouse, writeExtract(dir.path, `population-${++fileNumber}.csv`, content));

/** Person-years of Kristiansand (4204) in 2019: a whole year, so = residents on 1 January 2019. */
async function kristiansand2019(): Promise<number> {
  const [row] = await rows(warehouse, `SELECT sum(person_years) AS py FROM person_years('2019-01-01', '2019-12-01') WHERE municipality_code = '4204'`);
  return Number(row!.py);
}

// Kristiansand 2019 delivered under the codes before the 2020 merger, 1001 Kristiansand, 1017 Songdalen
// and 1018 Søgne: 45 000 + 44 000 + 8 000 + 2 000 + 8 310 = 107 310 residents.
const oldCodes2019 = `kommunenr;aar;kjonn;alder;antall
1001;2019;M;0-66;45000
1001;2019;K;0-66;44000
1017;2019;K;0-66;8000
1018;2019;K;0-66;2000
1001;2019;K;67-79;8310
`;
// The same 2019 population on current boundaries (as SSB and FHI publish it), plus a new year of 4223.
const currentCode2019 = `kommunenr;aar;kjonn;alder;antall
4204;2019;M;0-66;45000
4204;2019;K;0-66;54000
4204;2019;K;67-79;8310
4223;2024;K;0-66;900
`;

describe('population keyed on the current municipality code', () => {
  it('sums the rows of old codes that map to the same current municipality, year, sex and age', async () => {
    const result = await importText(oldCodes2019);
    expect(result).toMatchObject({ status: 'imported', rowsImported: 5, warnings: [] });
    // Women 0–66 in 4204: 44 000 (1001) + 8 000 (1017) + 2 000 (1018) = 54 000.
    const [women] = await rows(warehouse, `SELECT sum(count)::INTEGER AS n FROM population WHERE municipality_code = '4204' AND year = 2019 AND sex = 'K' AND age_from = 0`);
    expect(women!.n).toBe(54000);
    expect(await kristiansand2019()).toBeCloseTo(107310, 6);
  });

  it('replaces, never adds, when the same municipality and year is delivered again on current boundaries', async () => {
    // Before the fix the old-code rows stayed beside the new ones: 107 310 + 107 310 = 214 620.
    const result = await importText(currentCode2019);
    expect(result).toMatchObject({ status: 'imported', rowsImported: 4 });
    expect(result.warnings).toEqual(['replaced population for 4204 in 2019 (107 310 persons before, 107 310 now)']);
    expect(await kristiansand2019()).toBeCloseTo(107310, 6);
    const codes = await rows(warehouse, `SELECT DISTINCT municipality_code_raw AS raw FROM population WHERE municipality_code = '4204' ORDER BY raw`);
    expect(codes).toEqual([{ raw: '4204' }]);
    const [log] = await rows(warehouse, `SELECT message FROM import_log WHERE import_id = ${result.importId}`);
    expect(log!.message).toBe('replaced population for 1 municipality-year');
  });

  it('replaces the whole municipality-year, also sexes and ages the new file leaves out', async () => {
    // A correction with only women 0–66 (55 000): the men and the 67–79 band of 2019 go too.
    const result = await importText('kommunenr;aar;kjonn;alder;antall\n4204;2019;K;0-66;55000\n');
    expect(result.warnings).toEqual(['replaced population for 4204 in 2019 (107 310 persons before, 55 000 now)']);
    expect(await kristiansand2019()).toBeCloseTo(55000, 6);
    // 4223's 2024 rows were not delivered again and stay.
    const [other] = await rows(warehouse, `SELECT sum(count)::INTEGER AS n FROM population WHERE municipality_code = '4223'`);
    expect(other!.n).toBe(900);
  });

  it('refuses projected population (a year after the year of the import)', async () => {
    const nextYear = new Date().getFullYear() + 1;
    const before = await rows(warehouse, 'SELECT * FROM population ORDER BY ALL');
    const result = await importText(`kommunenr;aar;kjonn;alder;antall\n4204;2040;K;0-66;60000\n4204;${nextYear};M;0-66;50000\n`);
    expect(result.status).toBe('rejected');
    expect(result.errors.map((e) => [e.line, e.column])).toEqual([[2, 'aar'], [3, 'aar']]);
    expect(result.errors[0]!.message).toMatch(/^"2040" is after \d{4}, the year of this import: .*projected population \(framskriving\) cannot be imported as population$/);
    expect(await rows(warehouse, 'SELECT * FROM population ORDER BY ALL')).toEqual(before);
  });

  it('a file identical to an older one (A, then B, then A again) is imported again and restores A', async () => {
    const a = 'kommunenr;aar;kjonn;alder;antall\n4211;2020;K;0-66;1000\n';
    const b = 'kommunenr;aar;kjonn;alder;antall\n4211;2020;K;0-66;1200\n';
    const residents = async () => Number((await rows(warehouse, `SELECT sum(count) AS n FROM population WHERE municipality_code = '4211' AND year = 2020`))[0]!.n);
    expect((await importText(a)).status).toBe('imported');
    expect((await importText(a)).status).toBe('unchanged'); // the last file of its kind, again: nothing to do
    expect((await importText(b)).status).toBe('imported');
    expect(await residents()).toBe(1200);
    const again = await importText(a);
    expect(again.status).toBe('imported');
    expect(await residents()).toBe(1000); // A's 1 000, not B's 1 200 and not 2 200
  });
});
