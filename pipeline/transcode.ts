// Puts a copy of the file where DuckDB may read it (the import directory, the only one allowed after
// lockDown) in UTF-8: a hard link or copy when it already is UTF-8, a streaming iconv-lite
// transcode from Windows-1252 otherwise (DuckDB has no Windows-1252 and its latin-1 refuses € – ’);
// streamed without its empty lines when it has some between rows (blank-lines.ts).
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import iconv from 'iconv-lite';
import { BlankLineRemover } from './blank-lines.ts';
import type { Encoding } from './detect.ts';

export interface StagedFile {
  path: string;
  remove(): Promise<void>;
  /** Lines of the delivered file dropped as empty (only with dropEmptyLines), ascending. */
  removedLines: number[];
}

export async function stageFile(
  source: string,
  encoding: Encoding,
  importDirectory: string,
  onBytes?: (done: number) => void,
  /** Drop empty lines between rows (blank-lines.ts); the copy is then always streamed. */
  dropEmptyLines = false,
): Promise<StagedFile> {
  await mkdir(importDirectory, { recursive: true });
  const path = join(importDirectory, `staging-${randomUUID()}.csv`);
  const remove = () => rm(path, { force: true });
  try {
    const remover = dropEmptyLines ? new BlankLineRemover() : null;
    if (encoding === 'windows-1252' || remover) {
      let done = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          done += chunk.length;
          onBytes?.(done);
          callback(null, chunk);
        },
      });
      const toUtf8 = encoding === 'windows-1252' ? [iconv.decodeStream('win1252'), iconv.encodeStream('utf8')] : [];
      await pipeline([
        createReadStream(source, { highWaterMark: 1024 * 1024 }),
        counter,
        ...toUtf8,
        ...(remover ? [remover] : []),
        createWriteStream(path),
      ]);
    } else {
      try {
        await link(source, path);
      } catch {
        await copyFile(source, path);
      }
    }
    return { path, remove, removedLines: remover?.removed ?? [] };
  } catch (error) {
    await remove();
    throw error;
  }
}
