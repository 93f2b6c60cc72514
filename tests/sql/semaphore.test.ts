// Specification: the cap on concurrent analyst queries. A slot is handed to the longest waiter when
// released; a waiter gives up after its wait (the route then answers 429 busy).
import { expect, it } from 'vitest';
import { Semaphore } from '../../api/sql/semaphore.ts';

it('holds at most its capacity, hands slots over in order and lets waiters give up', async () => {
  const slots = new Semaphore(2);
  expect(await slots.acquire(10)).toBe(true);
  expect(await slots.acquire(10)).toBe(true);
  expect(await slots.acquire(20)).toBe(false); // both taken: gives up after 20 ms

  const order: string[] = [];
  const first = slots.acquire(1000).then((ok) => order.push(`first ${ok}`));
  const second = slots.acquire(1000).then((ok) => order.push(`second ${ok}`));
  slots.release();
  await first;
  expect(order).toEqual(['first true']);
  expect(slots.running).toBe(2);
  slots.release();
  await second;
  expect(order).toEqual(['first true', 'second true']);
  slots.release();
  slots.release();
  expect(slots.running).toBe(0);
});
