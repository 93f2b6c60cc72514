// The one import queue of a warehouse. Imports run one at a time (two writers to one table conflict)
// and shutdown waits for the running one. Dashboard queries never wait here: they run on their own
// connections and see the old data until the import commits.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Warehouse } from './db.ts';

export class ImportQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private running = 0;
  /** Set while a turn runs, so that work inside it (a batch importing file by file) is not queued behind itself. */
  private readonly turn = new AsyncLocalStorage<true>();

  /** Runs `work` after every earlier queued work has finished; at once when called from inside a turn. */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.turn.getStore()) return work();
    this.running += 1;
    const inTurn = () => this.turn.run(true, work);
    const result = this.tail.then(inTurn, inTurn).finally(() => (this.running -= 1));
    this.tail = result.catch(() => undefined);
    return result;
  }

  get busy(): boolean {
    return this.running > 0;
  }

  /** Resolves when every queued import has finished (committed or rolled back). */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}

const queues = new WeakMap<Warehouse, ImportQueue>();

/** The import queue every importer of `warehouse` in this process shares. */
export function importQueueFor(warehouse: Warehouse): ImportQueue {
  let queue = queues.get(warehouse);
  if (!queue) queues.set(warehouse, (queue = new ImportQueue()));
  return queue;
}
