// npm start: the database at STYRINGSDATA_DB (default data/styringsdata.duckdb); when it holds no
// hospital stays, the demo extracts are generated (data/demo-extracts) and imported first. Ensures
// a first admin, builds the dashboard if it was never built, then serves API and dashboard on
// HOST:PORT until SIGTERM/SIGINT.
import '../api/threadpool.ts';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ensureAdmin } from '../api/auth/users.ts';
import { readHandOff } from '../api/handoff.ts';
import { startServer } from '../api/server.ts';
import { defaultDatabasePath, openWarehouse } from '../pipeline/db.ts';
import { generateFixtures } from '../fixtures/generate.ts';
import { importFiles } from '../pipeline/import.ts';

const dbPath = defaultDatabasePath;
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);
const demoDir = 'data/demo-extracts';

if (readHandOff(dbPath)) {
  console.error(`A server is already running for ${dbPath} (see ${join(dbPath, '..', 'server.json')}).`);
  process.exit(1);
}

let warehouse;
try {
  warehouse = await openWarehouse(dbPath);
} catch (error) {
  if (/lock/i.test(String((error as Error).message))) {
    console.error(`${dbPath} is open in another process (a server or an import). Stop it first.`);
    process.exit(1);
  }
  throw error;
}

const stays = await warehouse.withConnection(
  async (c) => Number((await c.runAndReadAll('SELECT count(*) FROM hospital_stay')).getRows()[0]?.[0] ?? 0),
);
if (stays === 0) {
  const csv = existsSync(demoDir) ? readdirSync(demoDir).filter((f) => f.endsWith('.csv')) : [];
  let paths = csv.map((f) => join(demoDir, f));
  if (paths.length === 0) {
    console.log(`The database is empty: generating demo extracts into ${demoDir} …`);
    paths = (await generateFixtures({ scale: 'demo', outDir: demoDir })).files.map((f) => f.path);
  }
  console.log(`Importing ${paths.length} demo extracts …`);
  const summary = await importFiles(warehouse, paths, {
    importedBy: 'npm start (demo data)',
    onProgress: (p) =>
      process.stdout.write(
        `\r  ${basename(p.file)}: ${p.phase} ${p.bytesTotal ? Math.round((100 * p.bytesDone) / p.bytesTotal) : 0} %`.padEnd(80),
      ),
  });
  process.stdout.write('\n');
  // Fold the import's write-ahead log into the file now rather than at the first shutdown.
  await warehouse.withConnection((c) => c.run('CHECKPOINT'));
  for (const file of summary.files)
    console.log(`  ${file.status.padEnd(9)} ${file.file}: ${file.rowsImported} rows${file.rowsRejected ? `, ${file.rowsRejected} rejected` : ''}`);
}

const admin = await ensureAdmin(warehouse);
if (admin?.generatedPassword)
  console.log(`\nCreated user "admin" with the password  ${admin.generatedPassword}  (shown once; change it with npm run users -- reset admin).\n`);
else if (admin) console.log('Created user "admin" with the password from STYRINGSDATA_ADMIN_PASSWORD.');

if (!existsSync('web/build/index.html')) {
  console.log('Building the dashboard (npm run build) …');
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) console.error('The dashboard build failed; serving the API only.');
}

const server = await startServer({ dbPath, host, port });
console.log(`\nStyringsdata is running on ${server.url}  (Ctrl+C to stop)\n`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
