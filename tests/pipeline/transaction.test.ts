// inTransaction (pipeline/db.ts): the work's writes are committed together, rolled back together when
// it throws (the error reaches the caller unchanged), and rolled back without error when commitIf says no.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, type Warehouse } from '../../pipeline/db.ts';
import { tempDir } from '../helpers/temp.ts';
import { freshWarehouse, rows } from './extracts.ts';

const dir = tempDir();
let warehouse: Warehouse;

beforeAll(async () => {
  warehouse = await freshWarehouse(dir.path, 'transaction');
  await warehouse.withConnection((c) => c.run('CREATE TABLE note (n INTEGER)'));
});
afterAll(() => {
  warehouse.close();
  dir.remove();
});

const notes = async () => (await rows(warehouse, 'SELECT n FROM note ORDER BY n')).map((r) => r.n);

describe('inTransaction', () => {
  it('commits both writes and returns the work’s result', async () => {
    const result = await warehouse.withConnection((c) =>
      inTransaction(c, async () => {
        await c.run('INSERT INTO note VALUES (1)');
        await c.run('INSERT INTO note VALUES (2)');
        return 'written';
      }),
    );
    expect(result).toBe('written');
    expect(await notes()).toEqual([1, 2]);
  });

  it('rolls back every write when the work throws, and passes the error on', async () => {
    const failing = warehouse.withConnection((c) =>
      inTransaction(c, async () => {
        await c.run('INSERT INTO note VALUES (3)');
        throw new Error('second step failed');
      }),
    );
    await expect(failing).rejects.toThrow('second step failed');
    expect(await notes()).toEqual([1, 2]);
  });

  it('rolls back without an error when commitIf refuses the result', async () => {
    const result = await warehouse.withConnection((c) =>
      inTransaction(
        c,
        async () => {
          await c.run('INSERT INTO note VALUES (4)');
          return { keep: false };
        },
        { commitIf: (r) => r.keep },
      ),
    );
    expect(result).toEqual({ keep: false });
    expect(await notes()).toEqual([1, 2]);
  });
});
