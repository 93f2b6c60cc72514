// End-to-end harness: the real server (api/server.ts) on a copy of the demo database, the built
// dashboard, users made with api/auth/users.ts, and Debian's Chromium driven by playwright-core.
// Any console error or page error fails the test (expectClean). Screenshots go to test-results/e2e/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createUser } from '../../api/auth/users.ts';
import { startServer, type RunningServer } from '../../api/server.ts';
import { demoDatabaseCopy } from '../helpers/demo.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const web = join(repo, 'web');
export const webBuild = join(web, 'build');
export const screenshotDir = join(repo, 'test-results', 'e2e');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** One password for every test user (long enough for the password rule). */
export const password = 'e2e-password-123';
export const users = {
  admin: { username: 'e2e-admin', role: 'admin' as const },
  analyst: { username: 'e2e-analyst', role: 'analyst' as const },
  viewer: { username: 'e2e-viewer', role: 'viewer' as const },
  leader: { username: 'e2e-leader', role: 'leader' as const, municipalities: ['4223'] },
};
export type TestUser = keyof typeof users;

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/**
 * Builds web/build when it is missing or older than the sources. Several vitest forks may ask at once:
 * one builds under a mkdir lock, the others wait and then find the build fresh.
 */
export async function ensureWebBuild(): Promise<void> {
  const sources = () => Math.max(newestChange(join(web, 'src')), newestChange(join(web, 'svelte.config.js')), newestChange(join(web, 'vite.config.ts')));
  const fresh = () => existsSync(join(webBuild, 'index.html')) && statSync(join(webBuild, 'index.html')).mtimeMs >= sources();
  if (fresh()) return;
  const lock = join(repo, '.tmp', 'web-build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > 5 * 60_000) rmSync(lock, { recursive: true, force: true }); // a crashed build
      await new Promise((done) => setTimeout(done, 500));
    }
  }
  try {
    if (!fresh()) execFileSync(join(repo, 'node_modules', '.bin', 'vite'), ['build'], { cwd: web, stdio: 'pipe' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A copy of another database file (STYRINGSDATA_E2E_DB, e.g. the national fixtures) in a temp folder. */
function copyOf(source: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'styringsdata-e2e-'));
  process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  const target = join(folder, 'styringsdata.duckdb');
  copyFileSync(source, target);
  return target;
}

export interface Dashboard {
  server: RunningServer;
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Server on the demo data with the four test users, and a headless Chromium. */
export async function startDashboard(): Promise<Dashboard> {
  await ensureWebBuild();
  const dbPath = process.env.STYRINGSDATA_E2E_DB ? copyOf(process.env.STYRINGSDATA_E2E_DB) : await demoDatabaseCopy();
  const server = await startServer({
    dbPath,
    host: '127.0.0.1',
    port: 0,
    webDir: webBuild,
    handOff: false,
    logger: pino({ level: 'warn' }),
  });
  const { privateStore, warehouse } = server.runtime.services;
  for (const user of Object.values(users)) await createUser(privateStore, { ...user, password }, warehouse);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(screenshotDir, { recursive: true });
  return {
    server,
    url: server.url,
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
    },
  };
}

export interface TestPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and page errors seen so far. */
  problems: string[];
  /** Fails when the page logged an error; call at the end of each test. */
  expectClean(): void;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openPage(dashboard: Dashboard): Promise<TestPage> {
  const context = await dashboard.browser.newContext({ baseURL: dashboard.url, viewport: { width: 1280, height: 900 }, locale: 'nb-NO' });
  // Generous: the suite shares two cores with the rest of the test run.
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(60_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // The one expected error: before login, the session probe GET /api/auth/me answers 401 (the
    // cookie is HttpOnly, so asking is the only way to know) and Chromium logs that response.
    if (/status of 401/.test(message.text()) && message.location().url.endsWith('/api/auth/me')) return;
    problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return {
    page,
    context,
    problems,
    expectClean() {
      if (problems.length > 0) throw new Error(`The browser reported errors:\n${problems.join('\n')}`);
    },
    async screenshot(name) {
      const path = join(screenshotDir, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => context.close(),
  };
}

/** Signs in through the login form and waits for the page behind it (`path`, default the overview). */
export async function login(testPage: TestPage, who: TestUser, path = '/'): Promise<void> {
  const { page } = testPage;
  await page.goto(path);
  await page.waitForURL(/\/login/);
  await page.getByLabel(/Brukernavn|Username/).fill(users[who].username);
  await page.getByLabel(/Passord|Password/).fill(password);
  await page.getByRole('button', { name: /Logg inn|Sign in/ }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await page.getByTestId('data-through').waitFor();
}

/** GET an API path with the page's session cookie (what the dashboard itself would get). */
export async function apiFromPage<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => {
    const response = await fetch(p, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`${p}: ${response.status} ${await response.text()}`);
    return response.json();
  }, path) as Promise<T>;
}

/** Pixels on a canvas that are not blank: > 0 means the chart drew something. */
export async function paintedPixels(page: Page, selector: string): Promise<number> {
  // Typed structurally: the root tsconfig has no DOM library (this function runs in the browser).
  interface Canvas {
    width: number;
    height: number;
    getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
  }
  return page.locator(`${selector} canvas`).first().evaluate((element) => {
    const canvas = element as unknown as Canvas;
    const context = canvas.getContext('2d');
    if (!context) return 0;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
    return painted;
  });
}
