// The projections page end to end (issue 13), in real headless Chromium against the real server on the
// demo data, which ships SSB-shaped projections (vintage 2024, MMMM/LLML/HHMH, 2025–2050). Expected
// figures come from the API's own answer, formatted here with Intl, never with the page's helpers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PopulationPyramidResponse, ProjectionResponse } from '../../contract/projections.ts';
import type { MetricResponse } from '../../contract/types.ts';
import { apiFromPage, login, openPage, paintedPixels, startDashboard, type Dashboard } from './harness.ts';

let dashboard: Dashboard;
beforeAll(async () => {
  dashboard = await startDashboard();
});
afterAll(async () => {
  await dashboard?.close();
});

const whole = new Intl.NumberFormat('nb-NO', { maximumFractionDigits: 0 });

describe('projections', () => {
  it('an admin sees KAD bed-days for Knutepunkt Sørlandet projected to 2050: fan, beds, the table, as the API answers', async () => {
    const t = await openPage(dashboard);
    try {
      const { page } = t;
      await login(t, 'admin', '/projections?m=knutepunkt-sorlandet&metric=kad-bed-days');
      const answer = await apiFromPage<ProjectionResponse>(
        page,
        '/api/projections/kad-bed-days?municipality=knutepunkt-sorlandet&alternative=MMMM,LLML,HHMH',
      );
      expect(answer.vintage).toBe('2024');
      expect(answer.measure).toBe('nights');
      const main2040 = answer.rows.find((r) => r.municipality === 'knutepunkt-sorlandet' && r.alternative === 'MMMM' && r.year === 2040)!;
      expect(main2040.demography).toBeGreaterThan(0);
      // Low < main < high in 2050 (SSB's alternatives differ in fertility, life expectancy and migration).
      const in2050 = (alternative: string) => answer.rows.find((r) => r.municipality === 'knutepunkt-sorlandet' && r.alternative === alternative && r.year === 2050)!.demography;
      expect(in2050('LLML')).toBeLessThan(in2050('MMMM'));
      expect(in2050('MMMM')).toBeLessThan(in2050('HHMH'));

      await page.getByTestId('projection-table').waitFor({ timeout: 30_000 });
      await expect.poll(() => page.getByTestId('fan-chart').count()).toBe(2); // nights and beds
      await expect.poll(() => paintedPixels(page, '[data-testid="fan-chart"]')).toBeGreaterThan(500);
      await expect.poll(() => page.getByTestId('beds-needed').textContent()).toMatch(/\d/);
      // The population pyramid: registered today against MMMM 2040, the collaboration's members summed.
      const pyramid = await apiFromPage<PopulationPyramidResponse>(page, '/api/projections/population?municipality=knutepunkt-sorlandet');
      expect(pyramid.projected?.year).toBe(2040);
      expect(pyramid.today!.rows.reduce((sum, r) => sum + r.persons, 0)).toBeGreaterThan(0);
      expect(pyramid.projected!.rows.reduce((sum, r) => sum + r.persons, 0)).toBeGreaterThan(0);
      await expect.poll(() => page.getByTestId('pyramid-chart').count()).toBe(1);
      await expect.poll(() => paintedPixels(page, '[data-testid="pyramid-chart"]')).toBeGreaterThan(500);
      // Each KAD unit serving the collaboration: beds and occupancy in the base year, from the unit's own
      // occupancy answer, then the beds needed ahead.
      const units = await apiFromPage<{ unit: string; name: string; municipalities: string[] }[]>(page, '/api/units');
      const collaborations = await apiFromPage<{ id: string; municipalities: string[] }[]>(page, '/api/collaborations');
      const members = collaborations.find((c) => c.id === 'knutepunkt-sorlandet')!.municipalities;
      const serving = units.filter((u) => u.municipalities.some((m) => members.includes(m)));
      expect(serving.length).toBeGreaterThan(0);
      const baseYear = Math.min(...answer.rows.map((r) => r.year));
      const occupancy = await apiFromPage<MetricResponse>(page, `/api/metrics/kad-occupancy?unit=${serving[0]!.unit}&from=${baseYear}-01&to=${baseYear}-12&by=total`);
      const percent = new Intl.NumberFormat('nb-NO', { style: 'percent', maximumFractionDigits: 0 }).format(occupancy.rows[0]!.value! / 100);
      await expect.poll(() => page.getByTestId('unit-capacity').textContent(), { timeout: 30_000 }).toContain(`${serving[0]!.name}: i dag`);
      expect(await page.getByTestId('unit-capacity').textContent()).toContain(`${percent} belegg (${baseYear}); ved dagens bruk trengs`);
      // The table holds the API's main-alternative 2040 figure for the collaboration, in bokmål digits.
      await expect.poll(() => page.getByTestId('projection-table').textContent()).toContain(whole.format(main2040.demography));
      await t.screenshot('projections');
      t.expectClean();
    } finally {
      await t.close();
    }
  });

  it('an admin picks a diagnosis group and sees patients with an episode in it, as the API answers', async () => {
    const t = await openPage(dashboard);
    try {
      const { page } = t;
      await login(t, 'admin', '/projections?m=4204&metric=readmissions');
      await page.getByTestId('projection-table').waitFor({ timeout: 30_000 });
      await page.getByTestId('group-picker').selectOption('hjertesvikt');
      await expect.poll(() => new URL(page.url()).searchParams.get('group')).toBe('hjertesvikt');
      const answer = await apiFromPage<ProjectionResponse>(page, '/api/projections/readmissions?municipality=4204&group=hjertesvikt&alternative=MMMM,LLML,HHMH');
      const main2040 = answer.rows.find((r) => r.municipality === '4204' && r.alternative === 'MMMM' && r.year === 2040)!;
      expect(main2040.patients).toBeGreaterThan(0);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('Hjertesvikt');
      await expect.poll(() => page.getByTestId('projection-table').textContent()).toContain('Pasienter med episode i gruppen');
      await expect.poll(() => page.getByTestId('projection-table').textContent()).toContain(whole.format(main2040.patients!));
      t.expectClean();
    } finally {
      await t.close();
    }
  });

  it('a viewer gets projections from protected figures, marked and explained', async () => {
    const t = await openPage(dashboard);
    try {
      const { page } = t;
      await login(t, 'viewer', '/projections?m=4223&metric=kad-stays');
      const answer = await apiFromPage<ProjectionResponse>(page, '/api/projections/kad-stays?municipality=4223');
      expect(answer.rows.length).toBeGreaterThan(0);
      expect(answer.rows.every((r) => r.protected === true)).toBe(true);
      await page.getByTestId('projection-table').waitFor({ timeout: 30_000 });
      await expect.poll(() => page.getByTestId('protection-note').count()).toBe(1);
      t.expectClean();
    } finally {
      await t.close();
    }
  });
});
