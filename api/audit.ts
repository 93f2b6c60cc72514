// The audit log: who asked for what data when, with which parameters and what came of it. Every data
// request, SQL statement, login and import is recorded in audit_log, in the private store (out of
// analyst SQL's reach: a statement cannot erase its own trace). Entries are queued and written in
// batches (one INSERT per batch, at least every second) so that a cached dashboard answer does not
// wait for a database write; flush() writes what is queued (shutdown, tests).
import type { AuditEntry } from './env.ts';
import type { PrivateStore } from './private-store.ts';
import type { SessionUser } from '../contract/types.ts';

interface QueuedEntry {
  at: number;
  username: string | null;
  action: string;
  target: string | null;
  parameters: string | null;
  outcome: string | null;
}

export class AuditLog {
  private queue: QueuedEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: PrivateStore,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly batchDelayMs = 1000,
  ) {}

  /** Queue an entry. Never throws (AppServices.audit contract). */
  record = async (user: SessionUser | null, entry: AuditEntry): Promise<void> => {
    this.queue.push({
      at: Date.now(),
      username: user?.username ?? null,
      action: entry.action,
      target: entry.target ?? null,
      parameters: entry.parameters === undefined ? null : safeJson(entry.parameters),
      outcome: entry.outcome ?? null,
    });
    if (entry.durable || this.queue.length >= 500) await this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.batchDelayMs).unref();
  };

  /** Write every queued entry now. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue;
    this.queue = [];
    this.writing = this.writing.then(() => (batch.length ? this.write(batch) : undefined));
    return this.writing;
  }

  private async write(batch: QueuedEntry[]): Promise<void> {
    try {
      await this.store.withConnection((connection) =>
        connection.run(
          `INSERT INTO audit_log (occurred_at, username, action, target, parameters, outcome) VALUES ${batch
            .map(() => '(epoch_ms(?::BIGINT), ?, ?, ?, ?, ?)')
            .join(', ')}`,
          batch.flatMap((e) => [e.at, e.username, e.action, e.target, e.parameters, e.outcome]),
        ),
      );
    } catch (error) {
      this.onError(error);
    }
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
