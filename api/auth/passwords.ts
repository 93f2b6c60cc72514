// Password hashing with argon2id (memory-hard). Parameters at or above OWASP's minimum
// (19 MiB, 2 iterations); verification reads the parameters from the stored hash, so raising
// them later keeps old hashes valid.
import { hash, verify, type Algorithm } from '@node-rs/argon2';

const argon2id = 2 as Algorithm; // Algorithm is a const enum; isolatedModules cannot inline it.
const options = { algorithm: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const minimumPasswordLength = 8;

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed stored hash is a failed login, not a server error
  }
}

/** A hash of a random password: compared against when the user does not exist, so that a wrong
 *  username takes as long as a wrong password. */
let dummyHash: Promise<string> | undefined;
export function timingDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  return dummyHash;
}
