// The dashboard end to end, in real headless Chromium against the real server on the demo data:
// log in, the overview for 4223 shows the API's numbers, English, the comparison's funnel plot is
// drawn, a shared URL lands on the same view (and back/forward work), a viewer sees adjusted figures
// marked * with the note where the admin sees exact ones, an admin who names no place lands on one with figures on every page and a place
// without figures names those that have them, and no page logs an error. Screenshots: test-results/e2e/*.png.
// Expected texts are written with Intl here, not with the dashboard's format.ts, and the periods are
// worked out by hand: the demo data runs through 31 December 2025 (asserted where it matters), so a
// card's latest month is December 2025, except readmissions, whose December discharges lack their 30
// days of follow-up: November 2025. A page without a period in its URL shows January two years before
// its last month: 2023-01 … 2025-12 (readmissions 2023-01 … 2025-11).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricId, MetricResponse, MetricRow } from '../../contract/types.ts';
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

const demoDataThrough = '2025-12-31';
const oneDecimal = new Intl.NumberFormat('nb-NO', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
/** A share given in percent points as bokmål writes it: 15.24 → `15,2 %` (non-breaking space). */
const percent = (points: number) =>
  new Intl.NumberFormat('nb-NO', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(points / 100);
/** `2025-11` → `november 2025`. */
const monthName = (month: string) =>
  new Intl.DateTimeFormat('nb-NO', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));
const suppressedText = 'skjult (< 5)';
const shown = (row: MetricRow | undefined, unit: MetricResponse['unit']) =>
  !row ? '–' : row.suppressed ? suppressedText : row.value === null ? '–' : unit === 'percent' ? percent(row.value) : oneDecimal.format(row.value);

describe('dashboard', () => {
  it('logs in, shows the overview for 4223 with the API’s numbers, and switches to English', async () => {
    await withPage(async (t) => {
      const { page } = t;
      await login(t, 'admin', '/?m=4223');
      expect(new URL(page.url()).searchParams.get('m')).toBe('4223');
      await expect.poll(() => page.getByTestId('user').textContent()).toContain('e2e-admin (administrator)');
      await expect.poll(() => page.getByTestId('data-through').textContent()).toMatch(/^Data til og med \d{1,2}\. \p{L}+ \d{4}$/u);

      expect((await apiFromPage<{ dataThrough: string }>(page, '/api/health')).dataThrough.slice(0, 10)).toBe(demoDataThrough);
      // Latest month and the rolling 12 months ending there (see the header).
      const cards = [
        { metric: 'readmissions', latest: '2025-11', from: '2024-12' },
        { metric: 'discharge-ready-days', latest: '2025-12', from: '2025-01' },
        { metric: 'kad-bed-days', latest: '2025-12', from: '2025-01' },
        { metric: 'acute-admissions', latest: '2025-12', from: '2025-01' },
      ];
      for (const { metric, latest, from } of cards) {
        const card = page.getByTestId(`card-${metric}`);
        await card.locator('[data-field="rolling"]').waitFor({ timeout: 30_000 });
        const total = await apiFromPage<MetricResponse>(page, `/api/metrics/${metric}?municipality=4223&by=total&from=${from}&to=${latest}`);
        const month = await apiFromPage<MetricResponse>(page, `/api/metrics/${metric}?municipality=4223&by=month&from=${latest}&to=${latest}`);
        expect(await card.locator('[data-field="rolling"]').textContent(), metric).toBe(shown(total.rows[0], total.unit));
        expect(await card.locator('[data-field="latest"]').textContent(), metric).toBe(shown(month.rows[0], month.unit));
        expect(await card.textContent()).toContain(`Siste måned (${monthName(latest)})`);
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

  it('shows a viewer adjusted figures, marked * with the note on every page, where the admin sees exact ones', async () => {
    // A municipality-month of KAD stays that is small (1–4) for the admin, in the page's default window
    // (2023-01 … 2025-12, see the header); the viewer's answer for it is the sum of its perturbed base
    // cells: never 1–4, marked protected (docs/disclosure-control.md).
    let period = '';
    let name = '';
    let code = '';
    await withPage(async (t) => {
      await login(t, 'admin', '/?m=4223');
      const exact = await apiFromPage<MetricResponse>(t.page, '/api/metrics/kad-stays?by=month&from=2023-01&to=2025-12');
      const small = exact.rows.find((r) => r.numerator !== null && r.numerator >= 1 && r.numerator <= 4);
      expect(small, 'the demo data has a small municipality-month of KAD stays').toBeDefined();
      [period, code] = [small!.period, small!.municipality!];
      name = (await apiFromPage<{ code: string; name: string }[]>(t.page, '/api/municipalities')).find((m) => m.code === code)!.name;
      await t.page.goto(`/metric/kad-stays?m=${code}`);
      const row = t.page.locator('tbody tr', { hasText: monthName(period) }).filter({ hasText: name }).first();
      await row.waitFor({ timeout: 30_000 });
      expect(await row.locator('td').nth(2).textContent()).toBe(String(small!.numerator));
      expect(await row.textContent()).not.toContain('*');
      expect(await t.page.getByTestId('protection-note').count()).toBe(0);
    });
    await withPage(async (t) => {
      const { page } = t;
      await login(t, 'viewer', `/?m=${code}`);
      // Overview: the cards' figures are marked, the note says what that means.
      await expect.poll(() => page.getByTestId('protection-note').textContent()).toContain('tilfeldig justert');
      await expect.poll(() => page.locator('[data-testid="card-kad-bed-days"] [data-protected="true"]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
      // Metric page: the same month as the viewer's API answer gives it, never 1–4, marked *.
      const shown = await apiFromPage<MetricResponse>(page, `/api/metrics/kad-stays?municipality=${code}&by=month&from=2023-01&to=2025-12`);
      const cell = shown.rows.find((r) => r.period === period)!;
      expect(cell.protected).toBe(true);
      expect([1, 2, 3, 4]).not.toContain(cell.numerator);
      await page.goto(`/metric/kad-stays?m=${code}`);
      const row = page.locator('tbody tr', { hasText: monthName(period) }).filter({ hasText: name }).first();
      await row.waitFor({ timeout: 30_000 });
      expect(await row.locator('td').nth(2).textContent()).toBe(String(cell.numerator));
      expect(await row.locator('td').nth(4).textContent()).toMatch(/\*$/);
      await expect.poll(() => page.getByTestId('protection-note').textContent()).toContain('små tall (1–4) vises aldri');
      await row.scrollIntoViewIfNeeded();
      await t.screenshot('metric-viewer');
      // Comparison and KAD pages: drawn from protected figures, the note shown; no daily calendar.
      await page.goto('/compare?metric=kad-stays');
      await expect.poll(() => page.getByTestId('protection-note').count(), { timeout: 30_000 }).toBe(1);
      await expect.poll(() => paintedPixels(page, '[data-testid="funnel-chart"]')).toBeGreaterThan(500);
      // Standardised on the base cells' broad groups, and the page says so.
      await expect.poll(() => page.getByTestId('standard').textContent()).toContain('0–66, 67–79 og 80+');
      await t.screenshot('compare-viewer');
      await page.goto(`/kad?m=${code}`);
      await expect.poll(() => page.getByTestId('calendar-protected').count(), { timeout: 30_000 }).toBe(1);
      await expect.poll(() => page.getByTestId('protection-note').count()).toBeGreaterThan(0);
      await expect.poll(() => page.getByTestId('kad-stays').locator('[data-testid="line-chart"]').count(), { timeout: 30_000 }).toBe(3);
      await t.screenshot('kad-viewer');
    });
  });

  it('ends a readmission page at the last month with complete follow-up when the URL names no period', async () => {
    await withPage(async (t) => {
      await login(t, 'admin', '/metric/readmissions?m=4223');
      expect((await apiFromPage<{ dataThrough: string }>(t.page, '/api/health')).dataThrough.slice(0, 10)).toBe(demoDataThrough);
      // Data through 31 December: November's discharges have had their 30 days, December's have not.
      await expect.poll(() => t.page.getByTestId('period-to').inputValue()).toBe('2025-11');
      // The table's newest row is that month, not the partial one after it.
      await t.page.locator('tbody tr', { hasText: 'november 2025' }).first().waitFor({ timeout: 30_000 });
      expect(await t.page.locator('tbody tr', { hasText: 'desember 2025' }).count()).toBe(0);
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

// A newcomer's first screens (issue 10 §1): `npm start`, log in as admin, touch nothing. Every
// expectation is worked out by hand from the demo's shape (see the header) or read from the API's own
// answer, never with the dashboard's helpers. The demo's collaborations by name are Knutepunkt Sørlandet (Region Kristiansand), then Vestre Vikens
// helsefellesskap; Oslo (0301), the first code, has no population, stays or KAD unit.
describe('first run: an admin sees data without touching a picker', () => {
  const knutepunkt = 'knutepunkt-sorlandet';
  const totalOf = async (page: TestPage['page'], query: string) => {
    const answer = await apiFromPage<MetricResponse>(page, query);
    expect(answer.rows, query).toHaveLength(1);
    return answer.rows[0]!.value!;
  };

  it('lands on the first collaboration; overview, metric, comparison and KAD pages all draw figures', async () => {
    await withPage(async (t) => {
      const { page } = t;
      await login(t, 'admin', '/');
      expect(new URL(page.url()).search).toBe(''); // nothing chosen: the defaults alone
      expect((await apiFromPage<{ dataThrough: string }>(page, '/api/health')).dataThrough.slice(0, 10)).toBe(demoDataThrough);
      await expect.poll(() => page.getByTestId('place-picker').inputValue()).toBe(knutepunkt);
      await expect.poll(() => page.locator('h1').textContent()).toBe('Oversikt for Knutepunkt Sørlandet (Region Kristiansand)');

      // Overview. Acute admissions: the 12 months up to December 2025. Readmissions need 30 days of
      // follow-up: November's discharges are followed up by 31 December, December's are not, so their
      // 12 months are December 2024 – November 2025. Occupancy is per unit: Kristiansand KAD is the only
      // unit serving Knutepunkt's members.
      const cards = [
        { metric: 'acute-admissions', window: 'jan.–des. 2025', query: `municipality=${knutepunkt}&by=total&from=2025-01&to=2025-12`, text: (v: number) => oneDecimal.format(v) },
        { metric: 'readmissions', window: 'des. 2024–nov. 2025', query: `municipality=${knutepunkt}&by=total&from=2024-12&to=2025-11`, text: percent },
        { metric: 'kad-occupancy', window: 'jan.–des. 2025', query: 'unit=KRS-KAD&by=total&from=2025-01&to=2025-12', text: percent },
      ];
      for (const card of cards) {
        const element = page.getByTestId(`card-${card.metric}`);
        await element.locator('[data-field="rolling"] .value').waitFor({ timeout: 30_000 });
        const expected = card.text(await totalOf(page, `/api/metrics/${card.metric}?${card.query}`));
        expect(await element.locator('[data-field="rolling"]').textContent(), card.metric).toBe(expected);
        expect(await element.locator('[data-field="window"]').textContent(), card.metric).toBe(`(${card.window})`);
      }
      expect(await page.getByTestId('card-kad-occupancy').textContent()).toContain('Kristiansand KAD, Kvadraturen');
      await expect.poll(() => paintedPixels(page, '[data-testid="card-acute-admissions"] [data-testid="sparkline"]')).toBeGreaterThan(50);
      expect(await page.getByTestId('status-empty').count()).toBe(0);
      await t.screenshot('first-run-overview');

      // Metric page (the menu's link): readmissions for the collaboration, January two years before the
      // last complete month (2023-01) to November 2025; the table's November row is the API's figure.
      await page.getByRole('link', { name: 'Indikator' }).click();
      await page.waitForURL(/\/metric\/readmissions$/);
      await expect.poll(() => page.getByTestId('period-from').inputValue()).toBe('2023-01');
      await expect.poll(() => page.getByTestId('period-to').inputValue()).toBe('2025-11');
      await expect.poll(() => paintedPixels(page, '[data-testid="line-chart"]')).toBeGreaterThan(500);
      const november = await apiFromPage<MetricResponse>(page, `/api/metrics/readmissions?municipality=${knutepunkt}&by=month&from=2025-11&to=2025-11`);
      const novemberRow = page.locator('tbody tr', { hasText: 'november 2025' });
      expect(await novemberRow.locator('td').nth(4).textContent()).toBe(percent(november.rows[0]!.value!));
      await t.screenshot('first-run-metric');

      // Comparison: every municipality, readmissions over the same window; the top of the ranking is
      // the highest unsuppressed value in the API's answer.
      const compareAnswer = page.waitForResponse((r) => r.url().includes('/api/compare/readmissions'), { timeout: 30_000 });
      await page.getByRole('link', { name: 'Sammenligning' }).click();
      const compared = (await (await compareAnswer).json()) as { rows: MetricRow[] };
      await expect.poll(() => page.getByTestId('period-from').inputValue()).toBe('2023-01');
      await expect.poll(() => page.getByTestId('period-to').inputValue()).toBe('2025-11');
      await expect.poll(() => paintedPixels(page, '[data-testid="funnel-chart"]')).toBeGreaterThan(500);
      const highest = compared.rows.filter((r) => !r.suppressed && r.value !== null).sort((a, b) => b.value! - a.value!)[0]!;
      await expect.poll(() => page.getByTestId('ranking').locator('tbody tr').first().locator('td').nth(1).textContent()).toContain(highest.municipality!);
      await t.screenshot('first-run-compare');

      // KAD page: Kristiansand KAD; the API's default period 2023-01 … 2025-12 spans years, so the
      // calendar shows the 12 months up to its end: 1 January – 31 December 2025.
      const dailyAnswer = page.waitForResponse((r) => r.url().includes('/api/metrics/kad-occupancy') && r.url().includes('by=day'), { timeout: 30_000 });
      await page.getByRole('link', { name: 'KAD-enheter' }).click();
      const daily = (await (await dailyAnswer).json()) as { from: string; to: string; rows: MetricRow[] };
      expect([daily.from, daily.to, daily.rows[0]!.unit]).toEqual(['2025-01', '2025-12', 'KRS-KAD']);
      await expect.poll(() => page.getByTestId('period-from').inputValue()).toBe('2023-01');
      await expect.poll(() => page.getByTestId('period-to').inputValue()).toBe('2025-12');
      await expect.poll(() => page.getByTestId('unit-picker').inputValue()).toBe('KRS-KAD');
      await expect.poll(() => paintedPixels(page, '[data-testid="line-chart"]')).toBeGreaterThan(500);
      await expect.poll(() => paintedPixels(page, '[data-testid="calendar-heatmap"]')).toBeGreaterThan(500);
      const stays = await totalOf(page, `/api/metrics/kad-stays?municipality=${knutepunkt}&by=total&from=2023-01&to=2025-12`);
      await expect.poll(() => page.getByTestId('kad-stays').locator('.total').first().textContent()).toBe(oneDecimal.format(stays));
      await t.screenshot('first-run-kad');
    });
  }, 120_000);

  it('says which places have figures when the chosen place has none, in bokmål and English', async () => {
    await withPage(async (t) => {
      const { page } = t;
      await login(t, 'admin', '/?m=0301');
      const empty = page.getByTestId('status-empty').first();
      await expect.poll(() => empty.locator('p').first().textContent()).toBe('Ingen tall for Oslo.');
      // The collaborations by name, then municipalities by 2025 population: Bærum 131 038,
      // Kristiansand 113 920, Drammen 103 935, Asker 96 768 (the demo's population extract).
      const links = page.getByTestId('places-with-data').locator('a');
      expect((await links.allTextContents()).slice(0, 6)).toEqual([
        'Knutepunkt Sørlandet (Region Kristiansand)',
        'Vestre Vikens helsefellesskap',
        'Bærum',
        'Kristiansand',
        'Drammen',
        'Asker',
      ]);
      // 2 collaborations + 28 municipalities with data; 10 links shown, 20 left to the picker.
      expect(await links.count()).toBe(10);
      expect(await page.getByTestId('places-with-data').textContent()).toContain('og 20 til i listen «Kommune eller samarbeid».');
      await expect.poll(() => page.getByTestId('card-readmissions').textContent()).toContain('Ingen tall for Oslo.');
      await t.screenshot('first-run-no-data');

      // A link keeps the page and changes the place: Kristiansand's overview has figures.
      await links.filter({ hasText: /^Kristiansand$/ }).click();
      await page.waitForURL((url) => url.searchParams.get('m') === '4204');
      await expect.poll(() => page.getByTestId('card-acute-admissions').locator('[data-field="rolling"]').textContent(), { timeout: 30_000 }).toMatch(/^\d+,\d$/);
      expect(await page.getByTestId('places-with-data').count()).toBe(0);

      // The KAD page for Oslo (no unit serves it) says the same, and its month pickers still show the
      // period the API answered for (its default: January 2023 – December 2025).
      await page.goto('/kad?m=0301&lang=en');
      await expect.poll(() => page.getByTestId('status-empty').locator('p').first().textContent()).toBe('No figures for Oslo.');
      expect(await page.getByTestId('places-with-data').textContent()).toMatch(/^Figures exist for: Knutepunkt Sørlandet \(Region Kristiansand\), Vestre Vikens helsefellesskap, /);
      await expect.poll(() => page.getByTestId('period-from').inputValue()).toBe('2023-01');
      await expect.poll(() => page.getByTestId('period-to').inputValue()).toBe('2025-12');
      expect(await page.getByTestId('places-with-data').locator('a').first().getAttribute('href')).toBe('/kad?m=knutepunkt-sorlandet&lang=en');
    });
  });

  it('puts a leader on their own municipality', async () => {
    await withPage(async (t) => {
      await login(t, 'leader', '/');
      await expect.poll(() => t.page.getByTestId('place-picker').inputValue()).toBe('4223');
      await t.page.getByTestId('card-acute-admissions').locator('[data-field="rolling"]').waitFor({ timeout: 30_000 });
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
