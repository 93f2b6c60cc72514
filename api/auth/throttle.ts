// Slows down password guessing. Failures are counted per username + client address within a window:
// after the first failure each further attempt waits an exponentially growing delay (0.25 s, 0.5 s, …,
// at most 4 s), and from `maxFailures` on the login answers 429 until the window has passed.
// A successful login clears the count. In memory: one server process owns the database.

export interface ThrottleOptions {
  maxFailures?: number;
  windowMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(options: ThrottleOptions = {}) {
    this.maxFailures = options.maxFailures ?? 5;
    this.windowMs = options.windowMs ?? 15 * 60 * 1000;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 4000;
  }

  /** Seconds until the next attempt is allowed, or 0 when the attempt may go ahead (after delay()). */
  blockedForSeconds(key: string, now = Date.now()): number {
    const recent = this.recent(key, now);
    if (recent.length < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000));
  }

  /** How long to hold this attempt back before checking the password. */
  delayMs(key: string, now = Date.now()): number {
    const count = this.recent(key, now).length;
    return count === 0 ? 0 : Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (count - 1));
  }

  recordFailure(key: string, now = Date.now()): void {
    const recent = this.recent(key, now);
    recent.push(now);
    this.failures.set(key, recent);
    if (this.failures.size > 50_000) this.failures.delete(this.failures.keys().next().value!);
  }

  recordSuccess(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((time) => now - time < this.windowMs);
  }
}
