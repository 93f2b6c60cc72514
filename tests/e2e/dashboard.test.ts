// The dashboard end to end, in real headless Chromium against the real server on the demo data:
// log in, the overview for 4223 shows the API's numbers, English, the comparison's funnel plot is
// drawn, a shared URL lands on the same view (and back/forward work), a viewer sees "skjult" where the
// admin sees a number, and no page logs an error. Screenshots: test-results/e2e/*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricId, MetricResponse, MetricRow } from '../../api/types.ts';
import { formatPeriod, formatValue } from '../../web/src/lib/format.ts';
import { addMonths } from '../../web/src/lib/months.ts';
import { defaultLastMonth, followUpDays, lastCompleteMonth, latestMonth, windowsEndingAt } from '../../web/src/lib/overview.ts';
import { apiFromPage, login, openPage, paintedPixels, startDashboard, type Dashboard, type TestPage } from './harness.ts';

let dashboard: Dashboard;
beforeAll(async () => {
  dashboard = await startDashboard();
});
afterAll(async () => {
  await dashboard?.close();
});

async function withPage(run: (testPage: TestPage) => Promise<void>): Promise<void> {
  const testPage = await openPage(dashboard);
  try {
    await run(testPage);
    testPage.expectClean();
  } finally {
    await testPage.close();
  }
}

const suppressedText = 'skjult (< 5)';
const shown = (row: MetricRow | undefined, unit: MetricResponse['unit'], lang: 'nb' | 'en' = 'nb') =>
  !row ? '–' : row.suppressed ? (lang === 'nb' ? suppressedText : 'hidden (< 5)') : row.value === null ? '–' : formatValue(row.value, unit, lang);

describe('dashboard', () => {
  it('logs in, shows the overview for 4223 with the API’s numbers, and switches to English', async () => {
    await withPage(async (t) => {
      const { page } = t;
      await login(t, 'admin', '/?m=4223');
      expect(new URL(page.url()).searchParams.get('m')).toBe('4223');
      await expect.poll(() => page.getByTestId('user').textContent()).toContain('e2e-admin (administrator)');
      await expect.poll(() => page.getByTestId('data-through').textContent()).toMatch(/^Data til og med \d{1,2}\. \p{L}+ \d{4}$/u);

      const health = await apiFromPage<{ dataThrough: string }>(page, '/api/health');
      for (const metric of ['readmissions', 'discharge-ready-days', 'kad-bed-days', 'acute-admissions'] as const) {
        const through = lastCompleteMonth(health.dataThrough, followUpDays[metric] ?? 0);
        const card = page.getByTestId(`card-${metric}`);
        await card.locator('[data-field="rolling"]').waitFor({ timeout: 30_000 });
        const monthly = await apiFromPage<MetricResponse>(page, `/api/metrics/${metric}?municipality=4223&by=month&from=${addMonths(through, -35)}&to=${through}`);
        const latest = latestMonth(monthly.rows)!;
        const { rolling } = windowsEndingAt(latest);
        const total = await apiFromPage<MetricResponse>(page, `/api/metrics/${metric}?municipality=4223&by=total&from=${rolling.from}&to=${rolling.to}`);
        expect(await card.locator('[data-field="rolling"]').textContent(), metric).toBe(shown(total.rows[0], total.unit));
        expect(await card.locator('[data-field="latest"]').textContent(), metric).toBe(
          shown(monthly.rows.find((r) => r.period === latest), monthly.unit),
        );
        expect(await card.textContent()).toContain(formatPeriod(latest, 'nb'));
      }
      await page.getByTestId('card-kad-occupancy').locator('[data-field="rolling"]').waitFor({ timeout: 30_000 });
      expect(await paintedPixels(page, '[data-testid="card-readmissions"] [data-testid="sparkline"]')).toBeGreaterThan(50);
      await t.screenshot('overview-nb');

      // Print: A4 stylesheet without navigation or pickers; every chart printed as an image.
      await page.emulateMedia({ media: 'print' });
      await expect.poll(() => page.locator('figure img.print-only').count()).toBe(5);
      expect(await page.locator('nav').isVisible()).toBe(false);
      await t.screenshot('overview-print');
      await page.emulateMedia({ media: 'screen' });

      await page.getByTestId('lang-switch').selectOption('en');
      await page.waitForURL(/lang=en/);
      expect(new URL(page.url()).searchParams.get('m')).toBe('4223');
      await expect.poll(() => page.getByTestId('data-through').textContent()).toMatch(/^Data through /);
      await expect.poll(() => page.getByTestId('card-readmissions').textContent()).toContain('Last 12 months');
      await t.screenshot('overview-en');
    });
  });

  it('opens the comparison and draws the funnel plot; back and forward step through views', async () => {
    await withPage(async (t) => {
      const { page } = t;
      const compareAnswer = page.waitForResponse((r) => r.url().includes('/api/compare/acute-admissions'), { timeout: 30_000 });
      await login(t, 'admin', '/compare?metric=acute-admissions&lang=en');
      // No period in the URL: the month inputs show the window the answer covers, not empty placeholders.
      const window = (await (await compareAnswer).json()) as { from: string; to: string };
      expect(window.to).toMatch(/^\d{4}-\d{2}$/);
      await expect.poll(() => page.getByTestId('period-from').inputValue()).toBe(window.from);
      await expect.poll(() => page.getByTestId('period-to').inputValue()).toBe(window.to);
      const funnel = page.getByTestId('funnel-chart');
      await funnel.waitFor({ timeout: 30_000 });
      await expect.poll(() => paintedPixels(page, '[data-testid="funnel-chart"]')).toBeGreaterThan(500);
      await expect.poll(() => page.getByTestId('ranking').locator('tbody tr').count()).toBeGreaterThan(3);
      await t.screenshot('compare-en');

      await page.getByTestId('metric-picker').selectOption('kad-stays');
      await page.waitForURL(/metric=kad-stays/);
      await expect.poll(() => page.locator('h1').textContent()).toContain('KAD stays');
      await page.goBack();
      await page.waitForURL(/metric=acute-admissions/);
      await expect.poll(() => page.getByTestId('metric-picker').inputValue()).toBe('acute-admissions');
      await page.goForward();
      await expect.poll(() => page.getByTestId('metric-picker').inputValue()).toBe('kad-stays');
    });
  });

  it('follows a shared URL to the same view after logging in', async () => {
    const collaborations = await withAdminApi((page) => apiFromPage<{ id: string }[]>(page, '/api/collaborations'));
    const set = collaborations[0]!.id;
    const shared = `/compare?metric=kad-bed-days&set=${set}&lang=en`;
    await withPage(async (t) => {
      const { page } = t;
      await login(t, 'leader', shared);
      const url = new URL(page.url());
      expect(url.pathname + url.search).toBe(shared);
      await expect.poll(() => page.getByTestId('metric-picker').inputValue()).toBe('kad-bed-days');
      await expect.poll(() => page.getByTestId('set-picker').inputValue()).toBe(set);
      await page.getByTestId('funnel-chart').waitFor({ timeout: 30_000 });
      await t.screenshot('shared-url');
    });
  });

  it('shows "skjult (< 5)" to a viewer where the admin sees a number', async () => {
    // Find a month the viewer may not see in 4223's monthly figures (the page's default window).
    let target: { metric: MetricId; row: MetricRow } | null = null;
    let name = '';
    await withPage(async (t) => {
      await login(t, 'viewer', '/?m=4223');
      for (const metric of ['readmissions', 'kad-transfer-share', 'kad-stays', 'discharge-ready-days'] as MetricId[]) {
        const answer = await apiFromPage<MetricResponse>(t.page, `/api/metrics/${metric}?municipality=4223&by=month`);
        const last = defaultLastMonth(metric, answer.dataThrough) ?? answer.to; // the page's default window
        const row = answer.rows.find((r) => r.suppressed && r.municipality === '4223' && r.period <= last);
        if (row) {
          target = { metric, row };
          break;
        }
      }
      expect(target, 'the demo data has a suppressed month for 4223').not.toBeNull();
      const municipalities = await apiFromPage<{ code: string; name: string }[]>(t.page, '/api/municipalities');
      name = municipalities.find((m) => m.code === '4223')!.name;
      await t.page.goto(`/metric/${target!.metric}?m=4223`);
      const row = t.page.locator('tbody tr', { hasText: formatPeriod(target!.row.period, 'nb') }).filter({ hasText: name }).first();
      await row.waitFor({ timeout: 30_000 });
      expect(await row.textContent()).toContain(suppressedText);
      await row.scrollIntoViewIfNeeded();
      await t.screenshot('metric-viewer');
    });
    await withPage(async (t) => {
      await login(t, 'admin', `/metric/${target!.metric}?m=4223`);
      const row = t.page.locator('tbody tr', { hasText: formatPeriod(target!.row.period, 'nb') }).filter({ hasText: name }).first();
      await row.waitFor({ timeout: 30_000 });
      expect(await row.textContent()).not.toContain('skjult');
      expect(await row.locator('td').nth(4).textContent()).toMatch(/\d/);
      // The definition in words is the bokmål paragraph of the metric's SQL comment, English after switching.
      const catalogue = await apiFromPage<{ id: string; definition: { nb: string; en: string } }[]>(t.page, '/api/metrics');
      const definition = catalogue.find((m) => m.id === target!.metric)!.definition;
      expect(await t.page.getByTestId('definition').textContent()).toBe(definition.nb);
      await row.scrollIntoViewIfNeeded();
      await t.screenshot('metric-admin');
      await t.page.getByTestId('lang-switch').selectOption('en');
      await expect.poll(() => t.page.getByTestId('definition').textContent()).toBe(definition.en);
    });
  });

  it('ends a readmission page at the last month with complete follow-up when the URL names no period', async () => {
    await withPage(async (t) => {
      await login(t, 'admin', '/metric/readmissions?m=4223');
      const health = await apiFromPage<{ dataThrough: string }>(t.page, '/api/health');
      const last = defaultLastMonth('readmissions', health.dataThrough)!;
      await expect.poll(() => t.page.getByTestId('period-to').inputValue()).toBe(last);
      // The table's newest row is that month, not the partial one after it.
      await t.page.locator('tbody tr', { hasText: formatPeriod(last, 'nb') }).first().waitFor({ timeout: 30_000 });
      expect(await t.page.locator('tbody tr', { hasText: formatPeriod(addMonths(last, 1), 'nb') }).count()).toBe(0);
    });
  });

  it('draws the KAD page and the import page without errors', async () => {
    await withPage(async (t) => {
      const { page } = t;
      // The calendar asks for one unit's days: a period spanning years shows the 12 months up to its end.
      const dailyAnswer = page.waitForResponse((r) => r.url().includes('/api/metrics/kad-occupancy') && r.url().includes('by=day'), { timeout: 30_000 });
      await login(t, 'admin', '/kad?m=4223&from=2024-01&to=2025-06');
      const daily = (await (await dailyAnswer).json()) as { by: string; from: string; to: string; rows: { period: string }[] };
      expect([daily.by, daily.from, daily.to]).toEqual(['day', '2024-07', '2025-06']);
      // 1 July 2024 … 30 June 2025 = 365 days, one row each.
      expect(daily.rows.length).toBe(365);
      expect(daily.rows[0]!.period).toBe('2024-07-01');
      await page.getByTestId('calendar-heatmap').waitFor({ timeout: 30_000 });
      // The summary counts the same days the API returned.
      await expect.poll(() => page.getByTestId('calendar-summary').textContent()).toContain('av 365 dager');
      await expect.poll(() => paintedPixels(page, '[data-testid="calendar-heatmap"]')).toBeGreaterThan(500);
      await expect.poll(() => page.getByTestId('kad-stays').locator('[data-testid="line-chart"]').count()).toBe(3);
      await t.screenshot('kad');
      await page.getByRole('link', { name: 'Import' }).click();
      await page.getByTestId('import-history').waitFor({ timeout: 30_000 });
      // A population extract with one bad count on line 3: rejected whole, the report names line, column and reason.
      const csv = 'kommunenr;aar;kjonn;alder;antall\n4223;2024;K;70;12\n4223;2024;M;70;mange\n';
      await page.getByTestId('file-input').setInputFiles({ name: 'befolkning_feil.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      const report = page.getByTestId('import-report');
      await report.waitFor({ timeout: 30_000 });
      await expect.poll(() => report.textContent()).toContain('avvist');
      const firstError = report.locator('tbody tr').first();
      expect(await firstError.locator('td').nth(0).textContent()).toBe('3');
      expect(await firstError.locator('td').nth(1).textContent()).toBe('antall');
      await t.screenshot('imports');
    });
  });
});

/** Runs `read` in a signed-in admin page (for looking up reference data the way the web does). */
async function withAdminApi<T>(read: (page: TestPage['page']) => Promise<T>): Promise<T> {
  let result!: T;
  await withPage(async (t) => {
    await login(t, 'admin');
    result = await read(t.page);
  });
  return result;
}
