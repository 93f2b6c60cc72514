// The staging copy's empty-line remover: drops empty LF and CRLF lines outside quotes, keeps those
// inside quoted values, remembers where they were — the same whether the file arrives whole or a
// byte at a time (chunk boundaries between CR and LF, inside quotes).
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { BlankLineRemover } from '../../pipeline/blank-lines.ts';

async function strip(input: string, chunkSize: number): Promise<{ output: string; removed: number[] }> {
  const bytes = Buffer.from(input);
  const chunks = Array.from({ length: Math.ceil(bytes.length / chunkSize) }, (_, i) => bytes.subarray(i * chunkSize, (i + 1) * chunkSize));
  const remover = new BlankLineRemover();
  const output = await text(Readable.from(chunks).pipe(remover));
  return { output, removed: remover.removed };
}

describe('BlankLineRemover', () => {
  // Lines: 1 header, 2 empty, 3 a, 4 empty CRLF, 5 quoted value over 5–7 with an empty line 6 inside,
  // 8 empty, 9 "said ""hi""" (escaped quotes), 10 empty at the end.
  const input = 'h1;h2\r\n\na;1\r\n\r\n"x\n\ny";2\n\n"said ""hi""";3\n\n';
  const expected = { output: 'h1;h2\r\na;1\r\n"x\n\ny";2\n"said ""hi""";3\n', removed: [2, 4, 8, 10] };

  it('drops empty lines outside quotes and keeps those inside', async () => {
    expect(await strip(input, input.length)).toEqual(expected);
  });

  it('gives the same result for every chunk size', async () => {
    for (const size of [1, 2, 3, 7]) expect(await strip(input, size), `chunks of ${size}`).toEqual(expected);
  });

  it('keeps a CR that is not followed by LF', async () => {
    expect(await strip('a\n\rb\n', 1)).toEqual({ output: 'a\n\rb\n', removed: [] });
  });
});
