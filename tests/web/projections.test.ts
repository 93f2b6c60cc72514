// The projections page's arithmetic: places asked for, milestone years, percent change from the base
// year, the seed-style table (with rate source in words and protected figures marked), the fan of
// low/main/high, and the beds-needed sentence. Every number below is worked out by hand.
import { describe, expect, it } from 'vitest';
import type { ProjectionResponse, ProjectionRow } from '../../contract/projections.ts';
import type { Collaboration, MetricInfo } from '../../contract/types.ts';
import {
  baseYearOf,
  bedsSentence,
  changePercent,
  fanSeries,
  hasProjection,
  milestoneYears,
  placesToProject,
  projectableMetrics,
  projectionTable,
  scenarioSummary,
  trajectoryText,
  wholeBeds,
} from '../../web/src/lib/projections.ts';
import { pyramidExtent, pyramidNumber, pyramidSeries, pyramidTitle } from '../../web/src/lib/pyramid.ts';
import { pyramidAgeGroups, type PopulationPyramidResponse, type PyramidRow } from '../../contract/projections.ts';

/** Intl writes non-breaking spaces in Norwegian numbers (`1 234`, `+12,0 %`): `~` stands for one here. */
const nb = (text: string) => text.replace(/~/g, '\u00a0');

// Municipality 4204, discharge-ready days, base 2023–2025, −1 % a year, 85 % occupancy.
// Demography alone 100 → 112 (2030) → 125 (2040): +12,0 % and +25,0 %.
// With −1 %/year: 112 × 0,99^5 = 112 × 0,95099 = 106,5; 125 × 0,99^15 = 125 × 0,86006 = 107,5 (+7,5 %).
// Beds (nights ÷ 365 ÷ 0,85 as the server sends them): 13,2 → 16,1 → 20,4, i.e. 14, 17 and 21 whole beds;
// with the change 13,2 → 15,3 → 17,5: 14, 16 and 18.
const row = (over: Partial<ProjectionRow>): ProjectionRow => ({
  municipality: '4204', alternative: 'MMMM', year: 2025, population: 1000, demography: 100, withChange: 100,
  bedsDemography: 13.2, bedsWithChange: 13.2, costNok: null, rateSource: 'own', ...over,
});
const rows: ProjectionRow[] = [
  // The base year once, under the main alternative: it is registered population, the same for all.
  row({}),
  row({ year: 2030, population: 1100, demography: 112, withChange: 106.5, bedsDemography: 16.1, bedsWithChange: 15.3 }),
  row({ year: 2035, population: 1150, demography: 118, withChange: 107, bedsDemography: 18, bedsWithChange: 16.5 }),
  row({ year: 2040, population: 1200, demography: 125, withChange: 107.5, bedsDemography: 20.4, bedsWithChange: 17.5 }),
  // Low crosses high in 2040 (an old-age range can grow more under low fertility): the band spans both.
  row({ alternative: 'LLML', year: 2030, demography: 108 }),
  row({ alternative: 'LLML', year: 2035, demography: 113 }),
  row({ alternative: 'LLML', year: 2040, demography: 131 }),
  row({ alternative: 'HHMH', year: 2030, demography: 115 }),
  row({ alternative: 'HHMH', year: 2035, demography: 121 }),
  row({ alternative: 'HHMH', year: 2040, demography: 129 }),
  // A member too sparse for its own rates, protected for this user.
  row({ municipality: '4215', demography: 40, rateSource: 'collaboration', protected: true }),
  row({ municipality: '4215', year: 2040, demography: 50, rateSource: 'collaboration', protected: true }),
];
const answer: ProjectionResponse = {
  metric: 'discharge-ready-days', measure: 'nights', base: { from: 2023, to: 2025 }, vintage: '2024',
  alternatives: ['MMMM', 'LLML', 'HHMH'], changePercentPerYear: -1, occupancyPercent: 85, dailyRate: null, rows,
};
const all = ['MMMM', 'LLML', 'HHMH'];
const names: Record<string, string> = { '4204': 'Kristiansand', '4215': 'Lillesand' };
const name = (code: string) => names[code] ?? code;

describe('changes and years', () => {
  it('gives the change from the base year in per cent: 100 → 112 is +12, and nothing from a base of 0', () => {
    expect(changePercent(100, 112)).toBeCloseTo(12, 10);
    expect(changePercent(80, 60)).toBeCloseTo(-25, 10);
    expect(changePercent(0, 5)).toBeNull();
    expect(changePercent(null, 5)).toBeNull();
  });

  it('shows the base year and the round decades, or every year when no decade is reached', () => {
    expect(milestoneYears([2025, 2030, 2035, 2040, 2040], 2025)).toEqual([2025, 2030, 2040]);
    expect(milestoneYears([2025, 2026, 2027], 2025)).toEqual([2025, 2026, 2027]);
  });

  it('writes the seed\'s line: 2025: 100 → 2030: 112 → 2040: 125 (+25,0 %)', () => {
    expect(trajectoryText([2025, 2030, 2040], [100, 112, 125], 'nb')).toBe(nb('2025: 100 → 2030: 112 → 2040: 125 (+25,0~%)'));
    expect(trajectoryText([2025, 2030], [1234, null], 'en')).toBe('2025: 1,234 → 2030: –');
  });

  it('counts 13,2 beds\' worth of nights as 14 beds and exactly 14 as 14', () => {
    expect([wholeBeds(13.2), wholeBeds(14), wholeBeds(0)]).toEqual([14, 14, 0]);
  });
});

describe('what is asked for', () => {
  it('asks for a collaboration and each member, or a municipality alone', () => {
    const collaborations = [{ id: 'ks', name: 'Knutepunkt Sørlandet', municipalities: ['4204', '4215'] }] as Collaboration[];
    expect(placesToProject('ks', collaborations)).toEqual(['ks', '4204', '4215']);
    expect(placesToProject('4204', collaborations)).toEqual(['4204']);
  });

  it('offers the metrics the server projects: counts of use, not a mean, a share of stays or a unit\'s occupancy', () => {
    const catalogue = ['readmissions', 'kad-length-of-stay', 'kad-transfer-share', 'kad-bed-days', 'kad-occupancy'].map((id) => ({ id, perUnit: id === 'kad-occupancy' })) as MetricInfo[];
    expect(projectableMetrics(catalogue).map((m) => m.id)).toEqual(['readmissions', 'kad-bed-days']);
  });

  it('takes the first year answered as today, also when registered population ends before the base period', () => {
    expect(baseYearOf(answer)).toBe(2025);
    expect(baseYearOf({ ...answer, rows: rows.map((r) => (r.year === 2025 ? { ...r, year: 2024 } : r)) })).toBe(2024);
    expect(baseYearOf({ ...answer, rows: [] })).toBe(2025);
  });

  it('treats an answer without a vintage or without rows as nothing imported', () => {
    expect(hasProjection(answer)).toBe(true);
    expect(hasProjection({ ...answer, vintage: null })).toBe(false);
    expect(hasProjection({ ...answer, rows: [] })).toBe(false);
  });
});

describe('the table', () => {
  const table = projectionTable(answer, ['4204', '4215'], all, 'nb', name);
  const texts = (r: { text: string }[]) => r.map((c) => c.text);

  it('has base year, decades and the change to the last one as columns', () => {
    expect(table.header).toEqual(['Kommune', 'Alternativ', 'Tall', 'Rater', '2025', '2030', '2040', 'Endring 2025–2040']);
  });

  it('gives demography alone and with the change, beds, and population per alternative (base year shared)', () => {
    const main = table.rows.filter((r) => r[0]!.text === '4204 Kristiansand' && r[1]!.csv === 'MMMM');
    expect(main.map((r) => r[2]!.text)).toEqual([
      'Innbyggere i aldersgruppen', 'Bare demografi', nb('Demografi og −1,0 % per år'),
      'Senger som trengs, bare demografi', nb('Senger som trengs, demografi og −1,0 % per år'),
    ]);
    expect(texts(main[0]!.slice(4))).toEqual(nb('1~000|1~100|1~200|+20,0~%').split('|'));
    expect(texts(main[1]!.slice(4))).toEqual(['100', '112', '125', nb('+25,0~%')]);
    expect(texts(main[2]!.slice(4))).toEqual(['100', '107', '108', nb('+7,5~%')]);
    expect(texts(main[3]!.slice(4))).toEqual(['13,2', '16,1', '20,4', nb('+54,5~%')]); // 20,4 ÷ 13,2 = 1,5455
    expect(main[1]!.slice(4).map((c) => c.csv)).toEqual([100, 112, 125, 25]);
    // The low alternative takes the shared base year: 100 → 108 → 131 (+31,0 %).
    const low = table.rows.find((r) => r[0]!.text === '4204 Kristiansand' && r[1]!.csv === 'LLML' && r[2]!.text === 'Bare demografi')!;
    expect(texts(low.slice(4))).toEqual(['100', '108', '131', nb('+31,0~%')]);
    expect(low[1]!.text).toBe('Lav nasjonal vekst (LLML)');
  });

  it('says where borrowed rates come from, marks protected figures * on screen but not in the CSV', () => {
    const lillesand = table.rows.find((r) => r[0]!.text === '4215 Lillesand' && r[2]!.text === 'Bare demografi')!;
    expect(lillesand[3]!.text).toBe('rater fra samarbeidet');
    expect(texts(lillesand.slice(4))).toEqual(['40*', '–', '50*', nb('+25,0~%')]);
    expect(lillesand[4]!.csv).toBe(40);
    expect(table.rows.find((r) => r[0]!.text === '4204 Kristiansand')![3]!.text).toBe('');
    expect(table.anyProtected).toBe(true);
    expect(projectionTable(answer, ['4215'], all, 'en', name).rows[0]![3]!.text).toBe('rates from the collaboration');
  });

  it('shows only the alternatives chosen, and no scenario rows without a change', () => {
    const plain = projectionTable({ ...answer, changePercentPerYear: 0 }, ['4204'], ['MMMM'], 'nb', name);
    expect(plain.rows.map((r) => `${r[1]!.csv} ${r[2]!.text}`)).toEqual([
      'MMMM Innbyggere i aldersgruppen', 'MMMM Bare demografi', 'MMMM Senger som trengs, bare demografi',
    ]);
  });

  it('adds the cost rows when the answer prices the nights: 100 nights × 5 000 kr = 500 000 kr', () => {
    const priced = { ...answer, rows: rows.map((r) => ({ ...r, costNok: r.demography * 5000, costWithChangeNok: r.withChange * 5000 })) };
    const table = projectionTable(priced, ['4204'], ['MMMM'], 'nb', name).rows;
    const cost = table.find((r) => r[2]!.text === 'Kostnad (kr), bare demografi')!;
    expect(texts(cost.slice(4))).toEqual(nb('500~000|560~000|625~000|+25,0~%').split('|'));
    // 107,5 × 5 000 = 537 500
    const withChange = table.find((r) => r[2]!.text === 'Kostnad (kr), demografi og −1,0 % per år')!;
    expect(texts(withChange.slice(4))).toEqual(nb('500~000|532~500|537~500|+7,5~%').split('|'));
  });

  it('adds the expected index stays for readmissions (the share\'s denominator)', () => {
    const readmissions = { ...answer, metric: 'readmissions' as const, measure: 'events' as const, changePercentPerYear: 0,
      rows: rows.map((r) => ({ ...r, bedsDemography: undefined, bedsWithChange: undefined, indexEpisodes: r.demography * 8 })) };
    const table = projectionTable(readmissions, ['4204'], ['MMMM'], 'nb', name).rows;
    expect(table.map((r) => r[2]!.text)).toEqual(['Innbyggere i aldersgruppen', 'Bare demografi', 'Indeksopphold, bare demografi']);
    expect(texts(table[2]!.slice(4))).toEqual(['800', '896', nb('1~000'), nb('+25,0~%')]);
  });

  it('adds patients with an episode in the group only when the answer has them (group=): 50 → 56 → 62,5', () => {
    const grouped = { ...answer, metric: 'readmissions' as const, measure: 'events' as const, group: 'kols',
      rows: rows.map((r) => ({ ...r, bedsDemography: undefined, bedsWithChange: undefined, patients: r.demography / 2, patientsWithChange: r.withChange / 2 })) };
    const table = projectionTable(grouped, ['4204'], ['MMMM'], 'en', name).rows;
    const patients = table.find((r) => r[2]!.text === 'Patients with an episode in the group, demography alone')!;
    expect(texts(patients.slice(4))).toEqual(['50', '56', '63', '+25.0%']);
    expect(table.some((r) => r[2]!.text.startsWith('Patients with an episode in the group, demography and'))).toBe(true);
    expect(projectionTable(answer, ['4204'], ['MMMM'], 'en', name).rows.some((r) => r[2]!.text.startsWith('Patients'))).toBe(false);
  });
});

describe('the fan', () => {
  it('draws main, the scenario dashed and the band between low and high over every year', () => {
    const fan = fanSeries(answer, '4204', all, 'use', 'nb');
    expect(fan.years).toEqual([2025, 2030, 2035, 2040]);
    expect(fan.lines.map((l) => [l.name, l.values, l.dashed ?? false])).toEqual([
      ['Hovedalternativet (MMMM)', [100, 112, 118, 125], false],
      [nb('Hovedalternativet (MMMM) og −1,0 % per år'), [100, 106.5, 107, 107.5], true],
    ]);
    // 2025 is the shared base year; in 2040 low (131) lies above high (129).
    expect(fan.band).toEqual({ name: 'Mellom lav og høy', lower: [100, 108, 113, 129], upper: [100, 115, 121, 131] });
  });

  it('draws beds, and a low alternative without its partner as a dashed line', () => {
    const fan = fanSeries({ ...answer, changePercentPerYear: 0 }, '4204', ['LLML'], 'beds', 'en');
    expect(fan.band).toBeNull();
    expect(fan.lines).toEqual([{ name: 'Low national growth (LLML)', values: [13.2, 13.2, 13.2, 13.2], dashed: true }]);
  });
});

describe('beds and scenarios in words', () => {
  it('says today\'s beds and each decade\'s, alone and with the change', () => {
    expect(bedsSentence(answer, '4204', all, 'nb')).toBe(
      nb('Senger som trengs ved 85~% belegg: i dag 14; 2030: 17; 2040: 21. Med −1,0 % per år: i dag 14; 2030: 16; 2040: 18.'),
    );
    expect(bedsSentence({ ...answer, changePercentPerYear: 0 }, '4204', all, 'en')).toBe('Beds needed at 85% occupancy: today 14; 2030: 17; 2040: 21.');
    expect(bedsSentence({ ...answer, measure: 'events' }, '4204', all, 'nb')).toBeNull();
  });

  it('puts demography alone beside demography and the change', () => {
    expect(scenarioSummary(answer, '4204', all, 'nb')).toEqual([
      { label: 'Bare demografi', text: nb('2025: 100 → 2030: 112 → 2040: 125 (+25,0~%)') },
      { label: nb('Demografi og −1,0 % per år'), text: nb('2025: 100 → 2030: 107 → 2040: 108 (+7,5~%)') },
    ]);
  });

  it('adds the patients of a diagnosis group, alone and with the change, when the answer has them', () => {
    // Patients 40 → 44 (2030) → 50 (2040): +25,0 %; with −1 %/year 50 × 0,86006 = 43,0 (+7,5 %).
    const patients: Record<number, [number, number]> = { 2025: [40, 40], 2030: [44, 41.8], 2040: [50, 43] };
    const grouped = { ...answer, rows: answer.rows.map((r) => (r.municipality === '4204' && r.alternative === 'MMMM' && patients[r.year]
      ? { ...r, patients: patients[r.year]![0], patientsWithChange: patients[r.year]![1] } : r)) };
    expect(scenarioSummary(grouped, '4204', all, 'nb').slice(2)).toEqual([
      { label: 'Pasienter med episode i gruppen, bare demografi', text: nb('2025: 40 → 2030: 44 → 2040: 50 (+25,0~%)') },
      { label: nb('Pasienter med episode i gruppen, demografi og −1,0 % per år'), text: nb('2025: 40 → 2030: 42 → 2040: 43 (+7,5~%)') },
    ]);
  });
});

describe('the population pyramid (GET /api/projections/population)', () => {
  // 4204 in 2024: 120 men and 110 women aged 0–4, 7 men 90+; in 2040: 100 men 0–4, 130 women 0–4, 25 men 90+.
  // Another place (4223) in the same answer must not leak in; every other group is 0.
  const rows = (year: number, figures: Record<string, number>, place = '4204') =>
    (['M', 'K'] as const).flatMap((sex) =>
      pyramidAgeGroups.map((ageGroup): PyramidRow => ({ municipality: place, sex, ageGroup, persons: figures[`${sex} ${ageGroup}`] ?? 0 })),
    );
  const answer: PopulationPyramidResponse = {
    municipalities: ['4204', '4223'],
    alternative: 'MMMM',
    vintage: '2024',
    today: { year: 2024, rows: [...rows(2024, { 'M 0-4': 120, 'K 0-4': 110, 'M 90+': 7 }), ...rows(2024, { 'M 0-4': 999 }, '4223')] },
    projected: { year: 2040, rows: rows(2040, { 'M 0-4': 100, 'K 0-4': 130, 'M 90+': 25 }) },
  };

  it('puts men to the left as negative values (120 men 0–4 → −120), women to the right, youngest first', () => {
    const pyramid = pyramidSeries(answer, '4204')!;
    expect(pyramid.ageGroups[0]).toBe('0–4');
    expect(pyramid.ageGroups.at(-2)).toBe('85–89');
    expect(pyramid.ageGroups.at(-1)).toBe('90+');
    expect(pyramid.today!.year).toBe(2024);
    expect(pyramid.today!.men[0]).toBe(-120);
    expect(pyramid.today!.women[0]).toBe(110);
    expect(pyramid.today!.men.at(-1)).toBe(-7);
    // An empty group is 0, not −0 (which a tooltip would print as "-0").
    expect(Object.is(pyramid.today!.men[1], 0)).toBe(true);
    expect(pyramid.projected).toMatchObject({ year: 2040 });
    expect([pyramid.projected!.men[0], pyramid.projected!.women[0], pyramid.projected!.men.at(-1)]).toEqual([-100, 130, -25]);
    // 19 groups a side; the sums: 120 + 7 men and 110 women today.
    expect(pyramid.today!.men).toHaveLength(19);
    expect(pyramid.today!.men.reduce((a, b) => a + b, 0)).toBe(-127);
    expect(pyramid.today!.women.reduce((a, b) => a + b, 0)).toBe(110);
  });

  it('labels both sides as positive persons in Norwegian digits, and titles the two years', () => {
    expect(pyramidNumber(-1234, 'nb')).toBe(nb('1~234'));
    expect(pyramidNumber(1234, 'en')).toBe('1,234');
    const pyramid = pyramidSeries(answer, '4204')!;
    expect(pyramidTitle(pyramid, 'nb')).toBe('Befolkning i dag og i 2040');
    expect(pyramidTitle(pyramid, 'en')).toBe('Population today and in 2040');
    const todayOnly = pyramidSeries({ ...answer, projected: null, vintage: null }, '4204')!;
    expect(todayOnly.projected).toBeNull();
    expect(pyramidTitle(todayOnly, 'en')).toBe('Population in 2024');
    expect(pyramidSeries({ ...answer, today: null, projected: null }, '4204')).toBeNull();
  });

  it('makes the axis symmetric and round: the largest group 130 (women 0–4 in 2040) → ±150', () => {
    expect(pyramidExtent(pyramidSeries(answer, '4204')!)).toBe(150);
    // 5 852 → 6 000; exactly 4 000 stays 4 000; 0,4 of a person (a band spread over ages) → 1.
    const largest = (persons: number) => pyramidExtent({ ageGroups: ['0–4'], today: { year: 2024, men: [-persons], women: [0] }, projected: null });
    expect([largest(5852), largest(4000), largest(0.4)]).toEqual([6000, 4000, 1]);
  });
});

describe('the table\'s place column', () => {
  it('writes a municipality as SSB does (number and name), a collaboration by its name alone', () => {
    const collaboration = { ...answer, rows: answer.rows.map((r) => ({ ...r, municipality: r.municipality === '4204' ? 'knutepunkt' : r.municipality })) };
    const table = projectionTable(collaboration, ['knutepunkt', '4215'], ['MMMM'], 'nb', (code) => (code === 'knutepunkt' ? 'Knutepunkt Sørlandet' : name(code)));
    expect([...new Set(table.rows.map((r) => r[0]!.text))]).toEqual(['Knutepunkt Sørlandet', '4215 Lillesand']);
  });
});
