// Parquet cannot be produced row by row from JS here (no Parquet writer in the stack), and DuckDB
// writes it best itself — but after lockDown() DuckDB may only touch the import directory. So the
// server (never the analyst) runs COPY into a fresh random sub-folder of the import directory, made
// with mode 0700, then streams the file and removes the folder.
// Why this is safe: inside COPY (…) stands only query.sql, DuckDB's own rendering of the checked
// parse tree (sandbox.ts) — never the analyst's text — so no comment or second statement can reach
// the wrapper; the check allows no file functions and no file-name tables, so the query can neither
// read nor write that folder; the wrapped statement is re-parsed by DuckDB and must still be exactly
// one COPY, run on the analyst connection inside its read-only transaction (rolled back after); the
// target path is ours, random (128 bits) and quoted by us. A Parquet footer comes last, so the file is
// complete on disk before the first byte is sent.
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { StatementType } from '@duckdb/node-api';
import { sqlString } from '../../../pipeline/sql-quote.ts';
import { SqlProblem } from '../errors.ts';
import type { RunningQuery } from '../run.ts';

export interface ParquetFile {
  /** Rows written; equal to the cap means the result may have been cut (truncated). */
  rows: number;
  bytes: number;
  body: AsyncGenerator<Uint8Array>;
}

export async function writeParquet(query: RunningQuery, importDirectory: string, limit: number): Promise<ParquetFile> {
  const folder = join(importDirectory, '.sql-exports', randomBytes(16).toString('hex'));
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const path = join(folder, 'result.parquet');
  const inner = query.sql;
  const copySql = `COPY (SELECT * FROM (\n${inner}\n) LIMIT ${Math.floor(limit)}) TO ${sqlString(path)} (FORMAT parquet)`;
  try {
    const extracted = await query.connection.extractStatements(copySql);
    if (extracted.count !== 1) throw new SqlProblem('sql_refused', 'This query cannot be exported as Parquet.');
    const prepared = await extracted.prepare(0);
    if (prepared.statementType !== StatementType.COPY) throw new SqlProblem('sql_refused', 'This query cannot be exported as Parquet.');
    const result = await prepared.run();
    const rows = Number((await result.getRowsJS())[0]?.[0] ?? 0);
    const bytes = (await stat(path)).size;
    // The file never passes through the JS heap, but the answer's budget holds for it too.
    query.budget.addSent(bytes);
    return { rows, bytes, body: fileBody(path, folder) };
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error instanceof SqlProblem ? error : query.problem(error);
  }
}

async function* fileBody(path: string, folder: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const piece of createReadStream(path)) yield piece as Buffer;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
