// The one import queue per warehouse (pipeline/import-queue.ts): work runs strictly one after another,
// a failure does not stop the queue, and work inside a turn (a batch importing file by file) runs at once
// instead of waiting for the turn it is part of.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../pipeline/db.ts';
import { importFile } from '../../pipeline/import.ts';
import { ImportQueue, importQueueFor } from '../../pipeline/import-queue.ts';
import { tempDir } from '../helpers/temp.ts';
import { csv, freshWarehouse, hospitalColumns, rows, stay, writeExtract } from './extracts.ts';

const dir = tempDir();
let first: Warehouse;
let second: Warehouse;

beforeAll(async () => {
  first = await freshWarehouse(dir.path, 'queue-first');
  second = await freshWarehouse(dir.path, 'queue-second');
});
afterAll(() => {
  first.close();
  second.close();
  dir.remove();
});

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('import queue', () => {
  it('is one queue per warehouse', () => {
    expect(importQueueFor(first)).toBe(importQueueFor(first));
    expect(importQueueFor(first)).not.toBe(importQueueFor(second));
  });

  it('runs work one after another in the order queued, also after a failure', async () => {
    const queue = new ImportQueue();
    const events: string[] = [];
    // A is slower than B and C, yet B starts only after A ends, and C after B failed.
    const a = queue.run(async () => {
      events.push('a start');
      await pause(50);
      events.push('a end');
    });
    const b = queue.run(async () => {
      events.push('b start');
      throw new Error('b failed');
    });
    const c = queue.run(async () => {
      events.push('c start');
      return 'c done';
    });
    expect(queue.busy).toBe(true);
    await a;
    await expect(b).rejects.toThrow('b failed');
    expect(await c).toBe('c done');
    await queue.idle();
    expect(queue.busy).toBe(false);
    expect(events).toEqual(['a start', 'a end', 'b start', 'c start']);
  });

  it('imports a file inside a turn of the same queue, and keeps outside imports waiting until the turn ends', async () => {
    const queue = importQueueFor(first);
    const events: string[] = [];
    const january = writeExtract(dir.path, 'january.csv', csv(hospitalColumns, [stay({ opphold_id: 'S1' })]));
    const february = writeExtract(dir.path, 'february.csv', csv(hospitalColumns, [stay({ opphold_id: 'S2' })]));
    const turn = queue.run(async () => {
      // importFile queues on this same queue; inside the turn it must run now, not deadlock.
      const result = await importFile(first, january);
      events.push(`turn imported ${result.rowsImported}`);
      await pause(50);
      events.push('turn end');
    });
    const outside = importFile(first, february).then((result) => events.push(`outside imported ${result.rowsImported}`));
    await Promise.all([turn, outside]);
    expect(events).toEqual(['turn imported 1', 'turn end', 'outside imported 1']);
    expect(await rows(first, 'SELECT stay_id FROM hospital_stay ORDER BY stay_id')).toEqual([{ stay_id: 'S1' }, { stay_id: 'S2' }]);
  });
});
