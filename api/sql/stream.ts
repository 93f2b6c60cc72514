// A pull-based streamed HTTP body: the next piece is produced only when the client has taken the
// previous one, so a slow download holds back DuckDB instead of filling the server's memory.
// `done` runs exactly once: at the end, on an error mid-stream, or when the client goes away.

/** The client went away before the end (closed tab, aborted fetch). */
export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection');
  }
}

export function streamResponse(
  body: AsyncGenerator<string | Uint8Array>,
  headers: Record<string, string>,
  done: (error?: unknown) => void,
): Response {
  const encoder = new TextEncoder();
  let finished = false;
  const finish = (error?: unknown) => {
    if (finished) return;
    finished = true;
    done(error);
  };
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        for (;;) {
          const next = await body.next();
          if (next.done) {
            controller.close();
            finish();
            return;
          }
          const bytes = typeof next.value === 'string' ? encoder.encode(next.value) : next.value;
          if (bytes.byteLength > 0) {
            controller.enqueue(bytes);
            return;
          }
        }
      } catch (error) {
        finish(error);
        controller.error(error);
      }
    },
    async cancel() {
      finish(new ClientGone());
      await body.return(undefined);
    },
  });
  return new Response(stream, { status: 200, headers });
}
