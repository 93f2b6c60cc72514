// Slows down password guessing, also when the guesses arrive all at once. Two counters per attempt:
// the account (lower-cased username) and the client address. An attempt takes a slot on both
// synchronously, before anything is awaited, so attempts still being checked count like failures:
// 100 parallel guesses for one account get at most `maxFailures` password checks, the rest 429.
// A failure keeps its slot for `windowMs`; a success gives it back and clears the account's count.
// Until the limit, each attempt after a failure waits an exponentially growing delay (0.25 s, 0.5 s, …,
// at most 4 s). In memory: one server process owns the database.
import { ClientAddresses } from '../edge/client-address.ts';

export interface ThrottleOptions {
  /** Failures (and attempts in flight) per account within the window; then 429. Default 5. */
  maxFailures?: number;
  /** The same per client address; higher, because several people may share one address (NAT). Default 20. */
  maxFailuresPerAddress?: number;
  windowMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

interface Counter {
  failures: number[];
  inFlight: number;
}

/** A login attempt holding a slot on its account and address. Finish it exactly once. */
export interface LoginAttempt {
  /** How long to hold the attempt back before checking the password. */
  readonly delayMs: number;
  succeeded(): void;
  failed(): void;
  /** Neither success nor failure (e.g. the server was too busy to check): the slot is given back. */
  abandoned(): void;
}

export type AttemptStart = { allowed: true; attempt: LoginAttempt } | { allowed: false; retryAfterSeconds: number };

const maxTrackedKeys = 50_000;

export class LoginThrottle {
  private readonly counters = new Map<string, Counter>();
  private readonly maxFailures: number;
  private readonly maxFailuresPerAddress: number;
  private readonly windowMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    options: ThrottleOptions = {},
    /** Where the client address comes from (socket, or X-Forwarded-For from a trusted proxy). */
    readonly clientAddresses = new ClientAddresses([]),
  ) {
    this.maxFailures = options.maxFailures ?? 5;
    this.maxFailuresPerAddress = options.maxFailuresPerAddress ?? 20;
    this.windowMs = options.windowMs ?? 15 * 60 * 1000;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 4000;
  }

  /** Synchronous on purpose: the check and the reservation cannot be interleaved with another attempt. */
  begin(username: string, address: string, now = Date.now()): AttemptStart {
    const keys: [string, number][] = [
      [`account:${username.toLowerCase()}`, this.maxFailures],
      [`address:${address}`, this.maxFailuresPerAddress],
    ];
    const counters = keys.map(([key]) => this.current(key, now));
    const retryAfterSeconds = Math.max(...keys.map(([, limit], index) => this.blockedFor(counters[index]!, limit, now)));
    if (retryAfterSeconds > 0) return { allowed: false, retryAfterSeconds };

    // Only admitted attempts are remembered, so refused ones cannot flood the map with new keys.
    keys.forEach(([key], index) => this.remember(key, counters[index]!));
    for (const counter of counters) counter.inFlight += 1;
    const accountFailures = counters[0]!.failures.length;
    let finished = false;
    const finish = (outcome: 'succeeded' | 'failed' | 'abandoned') => {
      if (finished) return;
      finished = true;
      const at = Date.now();
      for (const counter of counters) {
        counter.inFlight = Math.max(0, counter.inFlight - 1);
        if (outcome === 'failed') counter.failures.push(at);
      }
      // The address keeps its failures: one valid account must not reset the count for guesses at others.
      if (outcome === 'succeeded') counters[0]!.failures.length = 0;
    };
    return {
      allowed: true,
      attempt: {
        delayMs: accountFailures === 0 ? 0 : Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (accountFailures - 1)),
        succeeded: () => finish('succeeded'),
        failed: () => finish('failed'),
        abandoned: () => finish('abandoned'),
      },
    };
  }

  /** Seconds until this counter admits another attempt; 0 when it does now. */
  private blockedFor(counter: Counter, limit: number, now: number): number {
    if (counter.failures.length + counter.inFlight < limit) return 0;
    // Failures leave the window oldest first; attempts in flight finish within seconds.
    const mustExpire = counter.failures.length - limit + 1;
    if (mustExpire <= 0) return 1;
    return Math.max(1, Math.ceil((counter.failures[mustExpire - 1]! + this.windowMs - now) / 1000));
  }

  private current(key: string, now: number): Counter {
    const counter = this.counters.get(key);
    if (!counter) return { failures: [], inFlight: 0 };
    counter.failures = counter.failures.filter((time) => now - time < this.windowMs);
    return counter;
  }

  private remember(key: string, counter: Counter): void {
    // Re-inserted so that the map's first key is the one used longest ago (evicted first).
    if (!this.counters.delete(key))
      while (this.counters.size >= maxTrackedKeys) this.counters.delete(this.counters.keys().next().value!);
    this.counters.set(key, counter);
  }
}
