// Password hashing with argon2id (memory-hard). Parameters at or above OWASP's minimum
// (19 MiB, 2 iterations); verification reads the parameters from the stored hash, so raising
// them later keeps old hashes valid. Every hash and check runs on libuv's thread pool, beside DuckDB's
// queries, so at most `hashingSlots` run at once: a flood of logins waits here (and is eventually
// told the server is busy) instead of taking the threads dashboards and imports need.
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { Semaphore } from '../sql/semaphore.ts';

const argon2id = 2 as Algorithm; // Algorithm is a const enum; isolatedModules cannot inline it.
const options = { algorithm: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const minimumPasswordLength = 8;
export const hashingSlots = 2;
/** How long a login waits for a free slot before it is told to try again. */
export const passwordCheckWaitMs = 10_000;

const hashing = new Semaphore(hashingSlots);

/** Hashes and checks running now (at most hashingSlots). */
export const passwordWorkRunning = (): number => hashing.running;

/** Thrown when no hashing slot came free in time; the login answers 503 and does not count as a failure. */
export class PasswordCheckBusy extends Error {
  constructor() {
    super('The server is busy checking other logins. Try again in a few seconds.');
  }
}

async function inSlot<T>(waitMs: number, work: () => Promise<T>): Promise<T> {
  if (!(await hashing.acquire(waitMs))) throw new PasswordCheckBusy();
  try {
    return await work();
  } finally {
    hashing.release();
  }
}

export function hashPassword(password: string): Promise<string> {
  // Creating users is rare and done by administrators: it may wait longer than a login.
  return inSlot(6 * passwordCheckWaitMs, () => hash(password, options));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return inSlot(passwordCheckWaitMs, async () => {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false; // a malformed stored hash is a failed login, not a server error
    }
  });
}

/** A hash of a random password: compared against when the user does not exist, so that a wrong
 *  username takes as long as a wrong password. */
let dummyHash: Promise<string> | undefined;
export function timingDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomUUID()).catch((error: unknown) => {
    dummyHash = undefined; // busy now; the next login tries again
    throw error;
  });
  return dummyHash;
}
