// npm run import -- [--db PATH] [--json] [--accept-rejects] [--vintage YYYY] FILE...
// Exit codes: 0 every file imported or unchanged, 1 at least one file rejected, 2 usage error.
// When a running server holds the database (DuckDB allows one process per file), the files are
// handed to it (handoff-client.ts) and its answer is reported the same way.
import { importThroughServer, readHandOff } from './handoff-client.ts';
import type { ImportSummary } from '../contract/types.ts';
import { parseArguments, usage, UsageError, type Arguments } from './cli-arguments.ts';
import { openWarehouse, type Warehouse } from './db.ts';
import { importFiles, type ImportProgress } from './import.ts';
import { usePrivateUmask } from './private-files.ts';
import { formatSummary, progressBarMinBytes, progressLine } from './progress.ts';

function isLockError(error: unknown): boolean {
  return /lock|conflicting/i.test((error as Error)?.message ?? '');
}

function progressBar(enabled: boolean): ((p: ImportProgress) => void) | undefined {
  if (!enabled) return undefined;
  let last = 0;
  return (p) => {
    if (p.bytesTotal < progressBarMinBytes) return;
    const now = Date.now();
    if (p.phase !== 'done' && now - last < 100) return;
    last = now;
    process.stderr.write(`\r${progressLine(p, Math.max(10, Math.min(30, (process.stderr.columns ?? 100) - 70)))}\x1b[K`);
    if (p.phase === 'done') process.stderr.write('\n');
  };
}

async function run(args: Arguments): Promise<ImportSummary> {
  let warehouse: Warehouse;
  try {
    warehouse = await openWarehouse(args.db);
  } catch (error) {
    if (!isLockError(error)) throw error;
    const handOff = readHandOff(args.db);
    if (!handOff) throw new Error(`${args.db} is in use by another process and no running server was found to hand the import to (${(error as Error).message.split('\n')[0]})`);
    if (!args.json) process.stderr.write(`The server (pid ${handOff.pid}) holds ${args.db}; handing the import to it.\n`);
    return importThroughServer(handOff, args.files, { acceptRejects: args.acceptRejects, importedBy: cliUser(), ...(args.vintage ? { vintage: args.vintage } : {}) });
  }
  try {
    return await importFiles(warehouse, args.files, {
      acceptRejects: args.acceptRejects,
      vintage: args.vintage,
      onProgress: progressBar(!args.json && process.stderr.isTTY === true),
    });
  } finally {
    warehouse.close();
  }
}

function cliUser(): string {
  try {
    return `cli:${(process.env.USER ?? process.env.LOGNAME ?? 'unknown').slice(0, 90)}`;
  } catch {
    return 'cli:unknown';
  }
}

async function main(): Promise<number> {
  usePrivateUmask(); // the database's .wal and the staged copies are the user's alone
  let args: Arguments;
  try {
    args = parseArguments(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) process.stderr.write(`import: ${error.message}\n`);
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const summary = await run(args);
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(`${formatSummary(summary)}\n`);
  return summary.files.some((f) => f.status === 'rejected') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`import failed: ${(error as Error).message}\n`);
    process.exit(2);
  },
);
