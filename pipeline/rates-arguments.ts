// The command line of `npm run rates` (pipeline/rates-cli.ts), parsed and checked here so that tests can
// call it in-process. A UsageError makes the CLI print its message and the usage and exit 2.
import { parseArgs } from 'node:util';
import { UsageError } from './cli-arguments.ts';
import { defaultDatabasePath } from './db.ts';

export { UsageError };

export const ratesUsage = `Usage: npm run rates -- <command> [--db PATH] [--json]
  list                            every year's discharge-ready daily rate (døgnpris) with its source, and
                                  the years with discharge-ready nights but no rate
  set YEAR RATE [--source TEXT]   add or correct a year's rate in NOK per day, e.g.
                                  set 2025 5245 --source "Statsbudsjettet 2025"
  --db PATH   database file (default: STYRINGSDATA_DB or data/styringsdata.duckdb)
  --json      print the result as JSON for scripts
set goes through the importer (a file of kind dognpris: aar;dognpris;kilde), so it is logged like any
import; while the server runs it is handed to the server. list needs the database: stop the server first.
Exit codes: 0 done, 1 the rate was refused, 2 usage error.`;

interface Common {
  db: string;
  json: boolean;
}
export type RatesArguments = (Common & { command: 'list' }) | (Common & { command: 'set'; year: number; rate: string; source: string | null });

/** A rate as the user may type it: 5245, 5245.50, 5245,50 (at most two decimals, more than 0). */
export function parseRate(text: string): string | null {
  const normalised = text.trim().replace(',', '.');
  if (!/^\d{1,8}(\.\d{1,2})?$/.test(normalised) || Number(normalised) <= 0) return null;
  return normalised;
}

export function parseRatesArguments(argv: string[]): RatesArguments {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\.?\s*To specify a positional argument.*$/s, ''));
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError('');
  const common: Common = { db: values.db ?? defaultDatabasePath, json: values.json ?? false };
  const [command, ...rest] = positionals;
  if (command === 'list') {
    if (rest.length > 0) throw new UsageError(`list takes no arguments; got ${rest.join(' ')}`);
    if (values.source !== undefined) throw new UsageError('--source belongs to set');
    return { command, ...common };
  }
  if (command === 'set') {
    if (rest.length !== 2) throw new UsageError('set needs a year and a rate, e.g. set 2025 5245');
    const [yearText, rateText] = rest as [string, string];
    if (!/^\d{4}$/.test(yearText)) throw new UsageError(`the year must be 4 digits, e.g. 2025; got "${yearText.slice(0, 20)}"`);
    const rate = parseRate(rateText);
    if (rate === null)
      throw new UsageError(`the rate must be a positive number of kroner per day with at most 2 decimals, e.g. 5245 or 5245,50; got "${rateText.slice(0, 20)}"`);
    const source = values.source?.trim() || null;
    if (source !== null && (source.length > 200 || /[\r\n]/.test(source)))
      throw new UsageError('--source must be one line of at most 200 characters');
    return { command, ...common, year: Number(yearText), rate, source };
  }
  throw new UsageError(command ? `unknown command "${command.slice(0, 20)}" (use list or set)` : 'give a command: list or set');
}

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      db: { type: 'string' },
      json: { type: 'boolean' },
      source: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
