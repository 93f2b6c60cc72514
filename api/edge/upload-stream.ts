// Multipart uploads streamed to disk with busboy: an extract of several hundred MB never sits in
// memory. Each part of the field `file` goes to its own file in `folder`; other fields are kept as
// text. The byte limit counts the whole request, also when it arrives chunked (no Content-Length).
import { createWriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import busboy from 'busboy';
import { ApiError, badRequest } from '../http-error.ts';

export interface SavedUpload {
  files: { path: string; displayName: string }[];
  fields: Record<string, string>;
}

export async function saveMultipart(request: Request, folder: string, maxBytes: number, tooLarge: () => ApiError): Promise<SavedUpload> {
  if (!request.body) throw badRequest('file: attach at least one CSV extract in the field "file".');
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: Object.fromEntries(request.headers), limits: { files: 50, fields: 20, fieldSize: 10_000 } });
  } catch (error) {
    throw badRequest(`The upload is not valid multipart/form-data: ${(error as Error).message}.`);
  }
  const saved: SavedUpload = { files: [], fields: {} };
  const writes: Promise<void>[] = [];
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      callback(received > maxBytes ? tooLarge() : null, chunk);
    },
  });
  parser.on('field', (name, value) => (saved.fields[name] = value));
  parser.on('file', (name, stream, info) => {
    if (name !== 'file') {
      stream.resume();
      return;
    }
    const index = saved.files.length;
    const path = join(folder, `${index}-${safeName(info.filename ?? '')}`);
    saved.files.push({ path, displayName: basename(info.filename ?? '') || `upload-${index + 1}.csv` });
    writes.push(pipeline(stream, createWriteStream(path)));
  });
  try {
    await pipeline(Readable.fromWeb(request.body as WebReadableStream<Uint8Array>), counter, parser);
    await Promise.all(writes);
  } catch (error) {
    await Promise.allSettled(writes);
    if (error instanceof ApiError) throw error;
    throw badRequest(`The upload is not valid multipart/form-data: ${(error as Error).message}.`);
  }
  return saved;
}

/** A file name that is safe on disk (the original is kept for the report). */
function safeName(name: string): string {
  return basename(name).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'upload.csv';
}
