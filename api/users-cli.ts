// npm run users -- add NAME --role admin|analyst|leader|viewer [--municipality CODE]...
//                | list | disable NAME | reset NAME
// The password comes from STYRINGSDATA_PASSWORD or is asked for on the terminal (not echoed).
// Users live in the private store beside the database (api/private-store.ts); the warehouse is opened
// too, to check a leader's municipality codes and to move users out of an older warehouse first.
// Works on the files directly, so it cannot run while the server has them open.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { defaultDatabasePath, openWarehouse, type Warehouse } from '../pipeline/db.ts';
import { usePrivateUmask } from '../pipeline/private-files.ts';
import { createUser, disableUser, listUsers, resetPassword, roles, UserError } from './auth/users.ts';
import { migrateFromWarehouse, MigrationConflict } from './private-migration.ts';
import { openPrivateStore, privateStorePathFor, type PrivateStore } from './private-store.ts';
import type { Role } from '../contract/types.ts';

const usage = `Usage: npm run users -- <command>
  add NAME --role admin|analyst|leader|viewer [--municipality CODE]...
  list
  disable NAME
  reset NAME
Options: --db PATH (default ${defaultDatabasePath}; users are kept beside it in <name>.private.duckdb).
Password: STYRINGSDATA_PASSWORD or a prompt.`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      municipality: { type: 'string', multiple: true },
      db: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, name] = positionals;
  if (values.help || !command) return fail(usage, values.help ? 0 : 2);
  if (!['add', 'list', 'disable', 'reset'].includes(command)) return fail(`Unknown command "${command}".\n${usage}`, 2);
  if (command !== 'list' && !name) return fail(`${command} needs a user name.\n${usage}`, 2);
  if (command === 'add' && !roles.includes(values.role as Role))
    return fail(`add needs --role ${roles.join('|')}.\n${usage}`, 2);

  usePrivateUmask();
  const opened = await open(values.db ?? defaultDatabasePath);
  if (!opened) return 1;
  const { warehouse, store } = opened;
  try {
    const migration = await migrateFromWarehouse(store, warehouse);
    if (migration)
      console.log(`Moved ${migration.dropped.join(', ')} out of ${warehouse.path} into ${store.path}.`);
    if (command === 'list') {
      const users = await listUsers(store);
      if (users.length === 0) console.log('No users yet (npm start creates admin).');
      for (const u of users)
        console.log(
          [u.username.padEnd(20), u.role.padEnd(8), u.disabled ? 'disabled' : 'active  ', u.createdAt, u.municipalities.join(',')].join('  '),
        );
    } else if (command === 'add') {
      const password = await askPassword(`Password for ${name}: `);
      const user = await createUser(
        store,
        { username: name!, password, role: values.role as Role, municipalities: values.municipality ?? [] },
        warehouse,
      );
      console.log(`Added ${user.username} (${user.role}${user.municipalities.length ? `: ${user.municipalities.join(', ')}` : ''}).`);
    } else if (command === 'disable') {
      await disableUser(store, name!);
      console.log(`Disabled ${name}; their sessions are ended.`);
    } else {
      await resetPassword(store, name!, await askPassword(`New password for ${name}: `));
      console.log(`New password set for ${name}; the user is enabled and old sessions are ended.`);
    }
    return 0;
  } catch (error) {
    if (error instanceof UserError || error instanceof MigrationConflict) return fail(error.message, 1);
    throw error;
  } finally {
    store.close();
    warehouse.close();
  }
}

async function open(path: string): Promise<{ warehouse: Warehouse; store: PrivateStore } | null> {
  let warehouse: Warehouse | undefined;
  try {
    warehouse = await openWarehouse(path);
    return { warehouse, store: await openPrivateStore(privateStorePathFor(warehouse.path)) };
  } catch (error) {
    warehouse?.close();
    const message = String((error as Error).message ?? error);
    if (/lock/i.test(message)) {
      console.error(
        `The database ${path} is in use by another process (probably the running server: npm start).\n` +
          'Stop the server (Ctrl+C), run this command, then start the server again.',
      );
      return null;
    }
    throw error;
  }
}

async function askPassword(prompt: string): Promise<string> {
  const fromEnv = process.env.STYRINGSDATA_PASSWORD;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) throw new UserError('Set STYRINGSDATA_PASSWORD or run the command in a terminal to type the password.');
  const readline = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  // Echo nothing while the password is typed: output is muted right after the prompt is written.
  let muted = false;
  (readline as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
    if (!muted) process.stdout.write(s);
  };
  const ask = (question: string) =>
    new Promise<string>((done) => {
      muted = false;
      readline.question(question, (answer) => {
        process.stdout.write('\n');
        done(answer);
      });
      muted = true;
    });
  const first = await ask(prompt);
  const second = await ask('Again: ');
  readline.close();
  if (first !== second) throw new UserError('The two passwords differ; nothing was changed.');
  return first;
}

function fail(message: string, code: number): number {
  (code === 0 ? console.log : console.error)(message);
  return code;
}

process.exitCode = await main();
