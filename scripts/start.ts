// npm start: the database at STYRINGSDATA_DB (default data/styringsdata.duckdb) and its private store
// beside it (users, sessions, audit; data/styringsdata.private.duckdb); when the database holds no
// hospital stays, the demo extracts are generated (data/demo-extracts) and imported first. Ensures
// a first admin (api/auth/first-admin.ts), builds the dashboard if it was never built, then serves
// API and dashboard on HOST:PORT until SIGTERM/SIGINT. Everything it writes is private to its user.
import '../api/threadpool.ts';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ensureAdmin, firstAdminMessage } from '../api/auth/first-admin.ts';
import { UserError } from '../api/auth/users.ts';
import { handOffPath, readHandOff } from '../pipeline/handoff-client.ts';
import { migrateFromWarehouse, MigrationConflict } from '../api/private-migration.ts';
import { openPrivateStore, privateStorePathFor } from '../api/private-store.ts';
import { startServer } from '../api/server.ts';
import { defaultDatabasePath, openWarehouse } from '../pipeline/db.ts';
import { usePrivateUmask } from '../pipeline/private-files.ts';
import { generateFixtures } from '../fixtures/generate.ts';
import { importFiles } from '../pipeline/import.ts';

const dbPath = defaultDatabasePath;
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);
const demoDir = 'data/demo-extracts';

usePrivateUmask();

const running = readHandOff(dbPath);
if (running) {
  console.error(
    `A server (pid ${running.pid}) is already running for ${dbPath}. If no server runs, remove ${handOffPath(dbPath)} and start again.`,
  );
  process.exit(1);
}

/** For .catch(): a known kind of error ends the start with its message instead of a stack trace. */
function stopOn(kind: new (...args: never[]) => Error, prefix = ''): (error: unknown) => never {
  return (error) => {
    if (!(error instanceof kind)) throw error;
    console.error(`${prefix}${error.message}`);
    process.exit(1);
  };
}

let warehouse, privateStore;
try {
  warehouse = await openWarehouse(dbPath);
  privateStore = await openPrivateStore(privateStorePathFor(warehouse.path));
} catch (error) {
  if (/lock/i.test(String((error as Error).message))) {
    console.error(`${dbPath} (or its private store) is open in another process (a server, an import or npm run users). Stop it first.`);
    process.exit(1);
  }
  throw error;
}
const migration = await migrateFromWarehouse(privateStore, warehouse).catch(stopOn(MigrationConflict));
if (migration)
  console.log(
    `Moved ${migration.dropped.join(', ')} out of ${warehouse.path} into ${privateStore.path} ` +
      `(${Object.entries(migration.copied).map(([table, rows]) => `${table}: ${rows} rows`).join(', ') || 'already copied'}).`,
  );

const stays = await warehouse.withConnection(
  async (c) => Number((await c.runAndReadAll('SELECT count(*) FROM hospital_stay')).getRows()[0]?.[0] ?? 0),
);
if (stays === 0) {
  const csv = existsSync(demoDir) ? readdirSync(demoDir).filter((f) => /\.(csv|json)$/.test(f)) : [];
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

const adminMessage = firstAdminMessage(await ensureAdmin(privateStore).catch(stopOn(UserError, 'STYRINGSDATA_ADMIN_PASSWORD / _USER: ')));
if (adminMessage?.level === 'warn') console.warn(`\nWarning: ${adminMessage.text}\n`);
else if (adminMessage) console.log(`\n${adminMessage.text}\n`);

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
