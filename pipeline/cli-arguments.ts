// The import CLI's command line (pipeline/cli.ts): parsed and checked here, apart from the entry point,
// so that tests can call it in-process. A UsageError makes the CLI print its message and the usage
// and exit 2.
import { existsSync, statSync } from 'node:fs';
import { defaultDatabasePath } from './db.ts';

export const usage = `Usage: npm run import -- [--db PATH] [--json] [--accept-rejects] [--vintage YYYY] FILE...
  --db PATH          database file (default: STYRINGSDATA_DB or data/styringsdata.duckdb)
  --json             print the result as JSON for scripts
  --accept-rejects   import the good rows of a file with rejected rows (the rejected are kept for review)
  --vintage YYYY     SSB population projections: the projection round, when the file's own date or name does not say
Exit codes: 0 all imported or unchanged, 1 a file was rejected, 2 usage error.`;

export interface Arguments {
  db: string;
  json: boolean;
  acceptRejects: boolean;
  /** SSB projections' round (a year), when the file does not give it. */
  vintage?: string;
  files: string[];
}

/** The command line was wrong; the message (empty for --help) says how. */
export class UsageError extends Error {}

export function parseArguments(argv: string[]): Arguments {
  const args: Arguments = { db: defaultDatabasePath, json: false, acceptRejects: false, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') args.json = true;
    else if (arg === '--accept-rejects') args.acceptRejects = true;
    else if (arg === '--vintage' || arg.startsWith('--vintage=')) {
      const value = arg === '--vintage' ? argv[++i] : arg.slice('--vintage='.length);
      if (!value || !/^\d{4}$/.test(value)) throw new UsageError(`--vintage needs the projection round as a year, e.g. --vintage 2024 (got ${value ? `"${value.slice(0, 20)}"` : 'nothing'})`);
      args.vintage = value;
    } else if (arg === '--db') {
      const value = argv[++i];
      if (!value) throw new UsageError('--db needs a path');
      args.db = value;
    } else if (arg.startsWith('--db=')) args.db = arg.slice(5);
    else if (arg === '--') continue;
    else if (arg === '--help' || arg === '-h') throw new UsageError('');
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else args.files.push(arg);
  }
  if (args.files.length === 0) throw new UsageError('give at least one file to import');
  for (const file of args.files) {
    if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
    if (!statSync(file).isFile()) throw new UsageError(`${file}: not a file`);
  }
  return args;
}
