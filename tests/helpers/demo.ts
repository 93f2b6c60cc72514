// A fresh copy of the demo database (demo fixtures imported, metric views installed) for tests that
// need realistic data: API, SQL workbench, end-to-end. Built once per machine and kept under
// .tmp/demo-db/, keyed by a hash of the sources that shape it (fixtures/, pipeline/, api/metrics/),
// so a change to the generator, importer or metrics rebuilds it. Several vitest forks may ask at
// once: one builds under a mkdir lock, the others wait.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cacheDir = join(repo, '.tmp', 'demo-db');
const staleLockMs = 15 * 60 * 1000;

/** Path to a new copy of the demo database in its own temp folder (removed when the process exits). */
export async function demoDatabaseCopy(): Promise<string> {
  const source = await demoDatabase();
  const folder = tempDir('styringsdata-demo-');
  process.once('exit', () => folder.remove());
  const target = join(folder.path, 'styringsdata.duckdb');
  copyFileSync(source, target);
  return target;
}

/** The cached demo database (build it when missing). Do not open it: copy it. */
export async function demoDatabase(): Promise<string> {
  const file = join(cacheDir, `demo-${sourceHash()}.duckdb`);
  if (existsSync(file)) return file;
  mkdirSync(cacheDir, { recursive: true });
  const lock = `${file}.lock`;
  for (;;) {
    if (existsSync(file)) return file;
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - lockAge(lock) > staleLockMs) rmSync(lock, { recursive: true, force: true });
      await new Promise((done) => setTimeout(done, 500));
    }
  }
  try {
    if (!existsSync(file)) await build(file);
    return file;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function build(file: string): Promise<void> {
  // Imported here so that a test that only copies an existing database loads none of it.
  const { openWarehouse } = await import('../../pipeline/db.ts');
  const { generateFixtures } = await import('../../fixtures/generate.ts');
  const { importFiles } = await import('../../pipeline/import.ts');
  const { installMetricViews } = await import('../../api/metrics/engine.ts');
  const work = join(cacheDir, `build-${process.pid}-${Date.now()}`);
  mkdirSync(work, { recursive: true });
  try {
    const generated = await generateFixtures({ scale: 'demo', outDir: join(work, 'extracts') });
    const building = join(work, 'demo.duckdb');
    const warehouse = await openWarehouse(building);
    try {
      const summary = await importFiles(
        warehouse,
        generated.files.map((f) => f.path),
        { importedBy: 'tests/helpers/demo.ts' },
      );
      const rejected = summary.files.filter((f) => f.status === 'rejected');
      if (rejected.length > 0)
        throw new Error(`demo fixtures rejected: ${rejected.map((f) => `${f.file}: ${f.errors[0]?.message}`).join('; ')}`);
      await installMetricViews(warehouse);
    } finally {
      warehouse.close(); // checkpoints: the file is complete without its WAL
    }
    renameSync(building, file);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function lockAge(lock: string): number {
  try {
    return statSync(lock).mtimeMs;
  } catch {
    return Date.now();
  }
}

let cachedHash: string | undefined;
function sourceHash(): string {
  if (cachedHash) return cachedHash;
  const hash = createHash('sha256');
  for (const folder of ['fixtures', 'pipeline', 'api/metrics'])
    for (const path of listFiles(join(repo, folder))) {
      hash.update(path.slice(repo.length));
      hash.update(readFileSync(path));
    }
  cachedHash = hash.digest('hex').slice(0, 16);
  return cachedHash;
}

function listFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listFiles(path);
      return /\.(ts|sql|csv|json)$/.test(entry.name) ? [path] : [];
    });
}
