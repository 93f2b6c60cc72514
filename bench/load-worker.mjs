// A load generator on its own event loop (worker thread), so that the clients do not compete with the
// server for the main thread: `clients` concurrent keep-alive clients cycle through `paths` for
// `durationMs` and report request count, errors and latency percentiles.
import { parentPort, workerData } from 'node:worker_threads';

// Plain JavaScript: worker threads do not inherit tsx's loader.
/** @type {{ url: string, token: string, paths: string[], clients: number, durationMs: number }} */
const job = workerData;
/** @type {number[]} */
const latencies = [];
let errors = 0;
/** @type {Record<string, number>} */
const cache = {};
/** @type {string[]} */
const firstErrors = [];
const deadline = Date.now() + job.durationMs;

async function client(index) {
  let i = index;
  while (Date.now() < deadline) {
    const path = job.paths[i++ % job.paths.length];
    const started = performance.now();
    try {
      const response = await fetch(`${job.url}${path}`, { headers: { authorization: `Bearer ${job.token}` } });
      await response.arrayBuffer();
      const state = response.headers.get('x-cache') ?? 'none';
      cache[state] = (cache[state] ?? 0) + 1;
      if (response.status !== 200) {
        errors += 1;
        if (firstErrors.length < 5) firstErrors.push(`${response.status} ${path}`);
      }
    } catch (error) {
      errors += 1;
      if (firstErrors.length < 5) firstErrors.push(String(error));
    }
    latencies.push(performance.now() - started);
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: job.clients }, (_, i) => client(i)));
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
parentPort.postMessage({
  requests: latencies.length,
  errors,
  firstErrors,
  cache,
  seconds,
  requestsPerSecond: latencies.length / seconds,
  p50: pick(0.5),
  p99: pick(0.99),
  max: latencies.at(-1) ?? 0,
});
