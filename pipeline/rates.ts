// What `npm run rates` does (pipeline/rates-cli.ts is only its entry point), callable in-process.
// `set` writes a one-line file of kind dognpris and imports it: the same validation, the same single
// transaction, import_log entry and data-version bump (caches drop) as an uploaded rates file, and while
// the server holds the database the file is handed to it like `npm run import` does (handoff-client.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { FileImportResult } from '../contract/types.ts';
import { formatNok, listDailyRates, seededImportId, type StoredRate } from './daily-rates.ts';
import { openWarehouse, type Warehouse } from './db.ts';
import { importThroughServer, readHandOff } from './handoff-client.ts';
import { importFile } from './import.ts';
import type { RatesArguments } from './rates-arguments.ts';

export interface RatesOutput {
  out(text: string): void;
  err(text: string): void;
  /** Who is recorded in import_log (default cli:<OS user>). */
  importedBy?: string;
}

/** Runs one command; returns the exit code (0 done, 1 refused). */
export async function runRates(args: RatesArguments, io: RatesOutput): Promise<number> {
  return args.command === 'list' ? listRates(args, io) : setRate(args, io);
}

/** The file `set` imports: `aar;dognpris;kilde`, the source quoted as CSV. */
export function rateFileContent(year: number, rate: string, source: string | null): string {
  const quoted = source === null ? '' : `"${source.replaceAll('"', '""')}"`;
  return `aar;dognpris;kilde\n${year};${rate};${quoted}\n`;
}

async function setRate(args: Extract<RatesArguments, { command: 'set' }>, io: RatesOutput): Promise<number> {
  const folder = mkdtempSync(join(tmpdir(), 'styringsdata-rates-'));
  try {
    const path = join(folder, `dognpris-${args.year}.csv`);
    writeFileSync(path, rateFileContent(args.year, args.rate, args.source), { mode: 0o600 });
    const result = await importRateFile(args.db, path, io);
    if (args.json) io.out(`${JSON.stringify(result)}\n`);
    else if (result.status === 'rejected')
      io.err(`The rate was refused:\n${result.errors.map((e) => `  ${e.line === null ? '' : `line ${e.line}, column ${e.column}: `}${e.message}`).join('\n')}\n`);
    else io.out(`${result.warnings.filter((w) => w.startsWith('rate for ')).join('\n')}${args.source ? ` (${args.source})` : ''}\n`);
    return result.status === 'rejected' ? 1 : 0;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function importRateFile(db: string, path: string, io: RatesOutput): Promise<FileImportResult> {
  const importedBy = io.importedBy ?? cliUser();
  const warehouse = await openOrNull(db);
  if (warehouse) {
    try {
      return await importFile(warehouse, path, { importedBy, displayName: basename(path) });
    } finally {
      warehouse.close();
    }
  }
  const handOff = readHandOff(db);
  if (!handOff) throw new Error(`${db} is in use by another process and no running server was found to hand the rate to`);
  io.err(`The server (pid ${handOff.pid}) holds ${db}; handing the rate to it.\n`);
  const summary = await importThroughServer(handOff, [path], { importedBy });
  return summary.files[0]!;
}

async function listRates(args: RatesArguments, io: RatesOutput): Promise<number> {
  const warehouse = await openOrNull(args.db);
  if (!warehouse) {
    const handOff = readHandOff(args.db);
    io.err(
      `${args.db} is in use${handOff ? ` by the server (pid ${handOff.pid})` : ' by another process'}. Stop it to list the rates here, ` +
        'or see them in the SQL workbench: SELECT * FROM discharge_ready_daily_rate ORDER BY year\n',
    );
    return 1;
  }
  try {
    const rates = await warehouse.withConnection(listDailyRates);
    io.out(args.json ? `${JSON.stringify(rates)}\n` : `${rateTable(rates)}\n`);
    return 0;
  } finally {
    warehouse.close();
  }
}

/** year, rate, where it comes from; a missing year says how to add it. */
export function rateTable(rates: StoredRate[]): string {
  const lines = rates.map((r) => {
    const rate = r.rateNok === null ? 'missing' : formatNok(r.rateNok);
    const origin =
      r.rateNok === null
        ? `discharge-ready nights in ${r.year} have no rate: npm run rates -- set ${r.year} RATE --source "…"`
        : [r.source, r.importId === seededImportId ? '(shipped)' : `(import ${r.importId})`].filter(Boolean).join(' ');
    return `${String(r.year).padEnd(6)}${rate.padStart(10)}  ${origin}`;
  });
  return [`${'year'.padEnd(6)}${'NOK/day'.padStart(10)}  source`, ...lines].join('\n');
}

/** The warehouse, or null when another process (the server) holds the file. */
async function openOrNull(db: string): Promise<Warehouse | null> {
  try {
    return await openWarehouse(db);
  } catch (error) {
    if (/lock|conflicting/i.test((error as Error)?.message ?? '')) return null;
    throw error;
  }
}

function cliUser(): string {
  return `cli:${(process.env.USER ?? process.env.LOGNAME ?? 'unknown').slice(0, 90)}`;
}
