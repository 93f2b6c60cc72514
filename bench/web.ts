// Dashboard bench: builds the web (vite build), then in headless Chromium against the real server on
// the demo data measures (1) the JavaScript the overview loads, gzipped (every JS response until the
// overview is drawn: entry, layout, page and chart chunks), and (2) the time from navigation to a
// drawn overview (every card filled and every sparkline painted), median of several runs.
//   npx tsx bench/web.ts [--runs 5]
// Target: initial JS ≤ 300 KB gzipped.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { headlineMetrics } from '../web/src/lib/overview.ts';
import { login, openPage, startDashboard } from '../tests/e2e/harness.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const repo = resolve(import.meta.dirname, '..');

console.log('building the dashboard (vite build) …');
let started = performance.now();
execFileSync(join(repo, 'node_modules', '.bin', 'vite'), ['build'], { cwd: join(repo, 'web'), stdio: 'pipe' });
console.log(`build: ${((performance.now() - started) / 1000).toFixed(1)} s`);

const dashboard = await startDashboard();
try {
  const testPage = await openPage(dashboard);
  await login(testPage, 'admin', '/?m=4223');
  const { page } = testPage;

  const drawn = async () => {
    for (const metric of headlineMetrics) await page.getByTestId(`card-${metric}`).locator('[data-field="rolling"]').waitFor({ timeout: 60_000 });
    // Sparklines painted: each canvas has non-blank pixels.
    // (A string: this runs in the browser, and the bench's tsconfig has no DOM library.)
    await page.waitForFunction(
      `[...document.querySelectorAll('[data-testid="sparkline"] canvas')].every((c) =>
         c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0))
       && document.querySelectorAll('[data-testid="sparkline"] canvas').length > 0`,
      undefined,
      { timeout: 60_000 },
    );
  };

  // (1) JavaScript of a fresh load of the overview (cache disabled through a new context would log out;
  // instead collect every JS response of this navigation, which is what a first visit downloads).
  const scripts = new Map<string, number>();
  const client = await page.context().newCDPSession(page);
  await client.send('Network.enable');
  await client.send('Network.setCacheDisabled', { cacheDisabled: true });
  const pending: Promise<void>[] = [];
  page.on('response', (response) => {
    const url = response.url();
    if (!/\.m?js(\?|$)/.test(url)) return;
    pending.push(response.body().then((body) => void scripts.set(url, gzipSync(body, { level: 9 }).length), () => undefined));
  });
  await page.goto('/?m=4223');
  await drawn();
  await Promise.all(pending);
  const totalGzip = [...scripts.values()].reduce((a, b) => a + b, 0);
  await client.send('Network.setCacheDisabled', { cacheDisabled: false });
  page.removeAllListeners('response');

  // (2) Navigation → drawn overview, warm HTTP cache (a returning user), fresh API answers each time.
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    started = performance.now();
    await page.goto(`/?m=4223&r=${run}`);
    await drawn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  testPage.expectClean();
  await testPage.close();

  console.log(`overview JS: ${scripts.size} files, ${(totalGzip / 1024).toFixed(1)} KB gzipped (target ≤ 300 KB) ${totalGzip <= 300 * 1024 ? 'OK' : 'OVER'}`);
  for (const [url, size] of [...scripts].sort((a, b) => b[1] - a[1]).slice(0, 8))
    console.log(`  ${(size / 1024).toFixed(1).padStart(6)} KB  ${new URL(url).pathname}`);
  console.log(
    `navigation → drawn overview (${runs} runs): median ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms, ` +
      `min ${times[0]!.toFixed(0)} ms, max ${times[times.length - 1]!.toFixed(0)} ms`,
  );
} finally {
  await dashboard.close();
}
