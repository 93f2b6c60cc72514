// npm run bench [-- NAME...]: runs every bench/*.ts (except this file and *-worker.ts helpers) one
// after another, each in its own process so that one bench's DuckDB instance and caches do not
// colour the next; or only those named (`npm run bench -- import sql`). Never part of npm test.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('-worker.ts'))
  .map((f) => basename(f, '.ts'))
  .sort();
const requested = process.argv.slice(2).filter((a) => a !== '--');
const unknown = requested.filter((name) => !available.includes(name.replace(/\.ts$/, '')));
if (unknown.length > 0) {
  console.error(`Unknown bench ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
const selected = requested.length > 0 ? requested.map((name) => name.replace(/\.ts$/, '')) : available;

let failed = 0;
for (const name of selected) {
  console.log(`\n━━ bench/${name} ━━`);
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`)], { stdio: 'inherit' });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    failed++;
    console.error(`bench/${name} failed (exit ${result.status ?? result.signal}) after ${seconds} s`);
  } else console.log(`bench/${name} finished in ${seconds} s`);
}
process.exit(failed > 0 ? 1 : 0);
