// End to end in Chromium: an analyst types a query on /sql, runs it with Ctrl+Enter, sees the grid and
// the chart, and downloads the result as CSV (the same rows as the grid). A viewer gets no SQL menu
// entry and a 403 from the API.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, openPage, paintedPixels, startDashboard, type Dashboard } from './harness.ts';

let dashboard: Dashboard;
beforeAll(async () => {
  dashboard = await startDashboard();
});
afterAll(async () => {
  await dashboard?.close();
});

// One line: Enter while the completion list is open would pick a completion instead of a newline.
const query = 'SELECT municipality_code, count(*) AS stays, count(DISTINCT patient_id) AS patients FROM hospital_stay GROUP BY ALL ORDER BY municipality_code';

describe('/sql', () => {
  it('runs a typed query, shows grid and chart, downloads CSV', async () => {
    const tab = await openPage(dashboard);
    const { page } = tab;
    try {
      await login(tab, 'analyst', '/sql');
      const editor = page.getByTestId('sql-editor');
      await editor.click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Delete');
      await page.keyboard.type(query);
      await page.keyboard.press('Escape'); // close the completion list the typing opened
      await page.keyboard.press('Control+Enter');

      const grid = page.getByTestId('sql-grid');
      await grid.getByRole('gridcell').first().waitFor();
      const status = (await page.getByTestId('sql-status').textContent()) ?? '';
      const shown = Number(/([\d\s\u00a0]+) rader/.exec(status)?.[1]?.replace(/\D/g, ''));
      expect(shown).toBeGreaterThan(0);
      expect(await grid.getByRole('columnheader').allTextContents()).toEqual(['#', 'municipality_code', 'stays', 'patients']);
      const firstRow = await grid.getByRole('row').nth(1).getByRole('gridcell').allTextContents();
      expect(firstRow[0]).toMatch(/^\d{4}$/);

      // The quick chart drew the stays per municipality.
      await page.getByTestId('sql-chart').locator('canvas').first().waitFor();
      await expect.poll(() => paintedPixels(page, '[data-testid=sql-chart]'), { timeout: 10_000 }).toBeGreaterThan(500);

      // CSV download: named as asked (æøå kept), the header and the same rows as the grid.
      await page.getByTestId('sql-filename').fill('Opphold per kommune – Bærum');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
      expect(download.suggestedFilename()).toBe('Opphold per kommune – Bærum.csv');
      const csv = readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n');
      expect(csv[0]).toBe('municipality_code,stays,patients');
      expect(csv).toHaveLength(shown + 1);
      expect(csv[1]!.split(',')).toEqual(firstRow);

      await tab.screenshot('sql-workbench');
      tab.expectClean();
    } finally {
      await tab.close();
    }
  });

  it('shows a refused statement as a message and keeps working', async () => {
    const tab = await openPage(dashboard);
    const { page } = tab;
    try {
      await login(tab, 'analyst', '/sql');
      await page.getByTestId('sql-editor').click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(`SELECT * FROM read_csv('/etc/passwd')`);
      await page.keyboard.press('Escape');
      await page.getByTestId('sql-run').click();
      await expect.poll(async () => (await page.getByTestId('sql-error').textContent()) ?? '').toMatch(/read_csv\(\) is not available/);
      // The example queries answer real questions on the demo data.
      await page.getByRole('tab', { name: /Eksempler/ }).click();
      await page.getByTestId('example-kad-occupancy-by-weekday').click();
      await page.getByTestId('sql-run').click();
      await page.getByTestId('sql-grid').getByRole('gridcell').first().waitFor();
      expect(await page.getByTestId('sql-status').textContent()).toMatch(/^7 rader/);

      // 100 000 rows: only the rows in view are in the DOM, and the last row is reachable.
      await page.getByTestId('sql-editor').click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('SELECT range AS n, range * 2 AS twice FROM range(100000)');
      await page.keyboard.press('Escape');
      await page.getByTestId('sql-run').click();
      await expect.poll(async () => (await page.getByTestId('sql-status').textContent()) ?? '').toMatch(/^100\s000 rader/);
      const grid = page.getByTestId('sql-grid');
      expect(await grid.getByRole('row').count()).toBeLessThan(100);
      await grid.evaluate((element) => {
        (element as unknown as { scrollTop: number; scrollHeight: number }).scrollTop = (element as unknown as { scrollHeight: number }).scrollHeight;
      });
      await expect.poll(() => grid.getByRole('rowheader').last().textContent()).toBe('100000');
      expect(await grid.getByRole('row').last().getByRole('gridcell').allTextContents()).toEqual(['99999', '199998']);
    } finally {
      await tab.close();
    }
  });

  it('is not offered to a viewer, and the API refuses one', async () => {
    const tab = await openPage(dashboard);
    const { page } = tab;
    try {
      await login(tab, 'viewer');
      await expect.poll(() => page.getByRole('navigation').getByRole('link').allTextContents()).not.toContain('SQL');
      const status = await page.evaluate(async () => (await fetch('/api/sql/schema', { credentials: 'same-origin' })).status);
      expect(status).toBe(403);
    } finally {
      await tab.close();
    }
  });
});
