// GET /api/projections/population (the pyramid) on the real app and a real DuckDB file, with hand-made
// registered and projected population:
//
// Registered population, 1 January (latest year 2024; the 2023 row must not be used):
//   4204 men:   age 0: 50, age 3: 70                    → 0-4: 120
//               band 90-120 ("90+"): 62, age 95: 8        → 90+: 62 + 8 = 70
//   4204 women: band 67-79: 130 = 10 a year over 13 ages → 65-69: 3 × 10 = 30; 70-74: 50; 75-79: 50
//   4223 men:   age 2: 30                                → Knutepunkt Sørlandet men 0-4: 120 + 30 = 150
//   2023: 4204 men age 0: 999 (an older year)
// SSB projection, vintage 2024 (2022's 9999 must not be used):
//   MMMM 2040 4204 men:   ages 90…104 10 each (15 ages: 150) + 105+ (105-120): 40 → 90+: 190
//             4204 women: age 0: 80, age 4: 20                               → 0-4: 100
//             4223 men:   age 104: 5                                         → collaboration 90+: 195
//   MMMM 2030 4204 women age 0: 60; LLML 2040 4204 women age 0: 70.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pyramidAgeGroups, type PopulationPyramidResponse, type PyramidYear } from '../../contract/projections.ts';
import { apiHarness, errorOf, type ApiHarness } from '../api/harness.ts';

const seed = `
INSERT INTO population (municipality_code, municipality_code_raw, year, sex, sex_raw, age_from, age_to, age_raw, count, import_id, source_line)
VALUES ('4204', '4204', 2024, 'M', '1', 0, 0, '0', 50, 1, 1), ('4204', '4204', 2024, 'M', '1', 3, 3, '3', 70, 1, 2),
  ('4204', '4204', 2024, 'M', '1', 90, 120, '90+', 62, 1, 3), ('4204', '4204', 2024, 'M', '1', 95, 95, '95', 8, 1, 4),
  ('4204', '4204', 2024, 'K', '2', 67, 79, '67-79', 130, 1, 5), ('4223', '4223', 2024, 'M', '1', 2, 2, '2', 30, 1, 6),
  ('4204', '4204', 2023, 'M', '1', 0, 0, '0', 999, 1, 7);
INSERT INTO population_projection (vintage, alternative, municipality_code, municipality_code_raw, year, sex, age_from, age_to, count, import_id, source_line)
SELECT '2024', 'MMMM', '4204', 'K-4204', 2040, 'M', age, age, 10, 2, age FROM range(90, 105) r(age);
INSERT INTO population_projection (vintage, alternative, municipality_code, municipality_code_raw, year, sex, age_from, age_to, count, import_id, source_line)
VALUES ('2024', 'MMMM', '4204', 'K-4204', 2040, 'M', 105, 120, 40, 2, 1),
  ('2024', 'MMMM', '4204', 'K-4204', 2040, 'K', 0, 0, 80, 2, 2), ('2024', 'MMMM', '4204', 'K-4204', 2040, 'K', 4, 4, 20, 2, 3),
  ('2024', 'MMMM', '4223', 'K-4223', 2040, 'M', 104, 104, 5, 2, 4), ('2024', 'MMMM', '4204', 'K-4204', 2030, 'K', 0, 0, 60, 2, 5),
  ('2024', 'LLML', '4204', 'K-4204', 2040, 'K', 0, 0, 70, 2, 6), ('2022', 'MMMM', '4204', 'K-4204', 2040, 'K', 0, 0, 9999, 1, 1);
`;

let api: ApiHarness;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  api = await apiHarness({ seed });
  tokens.analyst = await api.userToken('analyst1', 'analyst');
  tokens.viewer = await api.userToken('viewer1', 'viewer');
});
afterAll(() => api?.close());

const pyramid = (token: string, query: string) => api.json<PopulationPyramidResponse>(`/api/projections/population?${query}`, token);
/** The non-zero groups of a place as "sex ageGroup" → persons. */
const nonZero = (year: PyramidYear | null, place: string) =>
  Object.fromEntries(year!.rows.filter((r) => r.municipality === place && r.persons !== 0).map((r) => [`${r.sex} ${r.ageGroup}`, r.persons]));

describe('the population pyramid: registered today and projected, by sex and 5-year age group', () => {
  it('groups single ages and spreads bands (67-79 over three groups, 90-120 and 105+ into 90+), latest year against MMMM 2040', async () => {
    const body = await pyramid(tokens.analyst!, 'municipality=4204');
    expect(body).toMatchObject({ municipalities: ['4204'], alternative: 'MMMM', vintage: '2024' });
    expect(body.today!.year).toBe(2024);
    expect(nonZero(body.today, '4204')).toEqual({ 'M 0-4': 120, 'M 90+': 70, 'K 65-69': 30, 'K 70-74': 50, 'K 75-79': 50 });
    expect(body.projected!.year).toBe(2040);
    expect(nonZero(body.projected, '4204')).toEqual({ 'M 90+': 190, 'K 0-4': 100 });
    // Every sex × age group, zeros included, men first, youngest first.
    expect(body.today!.rows).toHaveLength(2 * 19);
    expect(body.today!.rows.slice(0, 19).map((r) => r.ageGroup)).toEqual([...pyramidAgeGroups]);
    expect(body.today!.rows.slice(0, 19).every((r) => r.sex === 'M')).toBe(true);
  });

  it('sums a collaboration\'s members, beside a member asked for in the same list', async () => {
    const body = await pyramid(tokens.analyst!, 'municipality=knutepunkt-sorlandet,4223');
    expect(body.municipalities).toEqual(['knutepunkt-sorlandet', '4223']);
    expect(nonZero(body.today, 'knutepunkt-sorlandet')).toMatchObject({ 'M 0-4': 150, 'M 90+': 70 });
    expect(nonZero(body.projected, 'knutepunkt-sorlandet')).toEqual({ 'M 90+': 195, 'K 0-4': 100 });
    expect(nonZero(body.today, '4223')).toEqual({ 'M 0-4': 30 });
    expect(nonZero(body.projected, '4223')).toEqual({ 'M 90+': 5 });
  });

  it('takes another projection year and alternative', async () => {
    expect(nonZero((await pyramid(tokens.analyst!, 'municipality=4204&year=2030')).projected, '4204')).toEqual({ 'K 0-4': 60 });
    const low = await pyramid(tokens.analyst!, 'municipality=4204&alternative=LLML');
    expect(low).toMatchObject({ alternative: 'LLML', projected: { year: 2040 } });
    expect(nonZero(low.projected, '4204')).toEqual({ 'K 0-4': 70 });
  });

  it('is public statistics: a viewer gets the same exact small counts (no suppression, no perturbation)', async () => {
    const body = await pyramid(tokens.viewer!, 'municipality=4223');
    expect(nonZero(body.today, '4223')).toEqual({ 'M 0-4': 30 });
    expect(nonZero(body.projected, '4223')).toEqual({ 'M 90+': 5 });
  });
});

describe('parameters are checked at the edge: 400 naming the parameter', () => {
  const cases: [string, RegExp][] = [
    ['municipality=4204&year=20x0', /^year: must be a year YYYY such as 2040/],
    ['municipality=4204&year=2041', /^year: 2041 is not a year of SSB's projection 2024 \(2030–2040: 2030, 2040\)/],
    ['municipality=9999', /^municipality: unknown municipality code or collaboration id "9999"/],
    ['', /^municipality: is required/],
    ['municipality=4204&alternative=HHMH', /^alternative: "HHMH" is not in SSB's projection 2024; use LLML, MMMM/],
    ['municipality=4204&metric=kad-stays', /unknown parameter\(s\) metric/],
  ];
  it.each(cases)('%s', async (query, message) => {
    const error = await errorOf(await api.get(`/api/projections/population?${query}`, tokens.analyst!));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
  });

  it('needs a login like every figure', async () => {
    expect((await api.get('/api/projections/population?municipality=4204', null)).status).toBe(401);
  });
});
