// npm run rates -- list | set YEAR RATE [--source TEXT]   [--db PATH] [--json]
// The discharge-ready daily rates (døgnpris) as data an admin maintains; pipeline/rates.ts does the work.
// Exit codes: 0 done, 1 the rate was refused (or list while the server holds the database), 2 usage error.
import { parseRatesArguments, ratesUsage, UsageError, type RatesArguments } from './rates-arguments.ts';
import { usePrivateUmask } from './private-files.ts';
import { runRates } from './rates.ts';

async function main(): Promise<number> {
  usePrivateUmask();
  let args: RatesArguments;
  try {
    args = parseRatesArguments(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) process.stderr.write(`rates: ${error.message}\n`);
    process.stderr.write(`${ratesUsage}\n`);
    return error.message ? 2 : 0;
  }
  return runRates(args, { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`rates failed: ${(error as Error).message}\n`);
    process.exit(2);
  },
);
