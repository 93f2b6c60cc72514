// Bounded work for every metric and compare request (issue 9). Without these, one viewer URL
// (from=0001-01&to=9999-12) made person-years for 120 000 months × every population row: 6 GB and
// minutes of CPU. Four limits, each answered with a message that says what to change:
//   - the period must lie in a window around the years that have data (checked at the edge, where
//     the defaults are filled in: params.ts);
//   - an answer has at most maxCells cells (targets × periods);
//   - an uncached query is interrupted inside DuckDB after timeoutMs (504);
//   - at most maxConcurrent uncached queries run at once; the others wait up to queueWaitMs, then 503
//     with Retry-After. Cached answers and /api/health never wait here.
import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../http-error.ts';
import { Semaphore } from '../sql/semaphore.ts';
import type { PeriodGrain } from '../../contract/types.ts';

export interface MetricLimits {
  /** Largest answer: targets × periods. */
  maxCells: number;
  /** An uncached query is interrupted after this long. */
  timeoutMs: number;
  /** Uncached queries running at once. */
  maxConcurrent: number;
  /** How long a query waits for a free slot before the answer is 503. */
  queueWaitMs: number;
}

export function metricLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): MetricLimits {
  const number = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  return {
    maxCells: number('STYRINGSDATA_METRIC_MAX_CELLS', 50_000),
    timeoutMs: number('STYRINGSDATA_METRIC_TIMEOUT_MS', 15_000),
    maxConcurrent: number('STYRINGSDATA_METRIC_CONCURRENCY', 4),
    queueWaitMs: number('STYRINGSDATA_METRIC_QUEUE_WAIT_MS', 10_000),
  };
}

// ── Period window ────────────────────────────────────────────────────────────────────────────────

/** The calendar years that have stays (hospital or KAD); null when none have been imported. */
export interface DataYears {
  first: number;
  last: number;
}

export async function dataYearsOn(connection: DuckDBConnection): Promise<DataYears | null> {
  const reader = await connection.runAndReadAll(`SELECT
      year(least((SELECT min(admitted) FROM hospital_stay), (SELECT min(admitted) FROM kad_stay))) AS first_year,
      year(greatest(hospital_data_through, kad_data_through)) AS last_year
    FROM data_through`);
  const row = reader.getRowObjectsJS()[0];
  if (!row || row.first_year == null || row.last_year == null) return null;
  return { first: Number(row.first_year), last: Number(row.last_year) };
}

/** Years before the first data a period may start: the dashboard's cards ask for the 36 months up
 *  to the latest month, and the default `from` is January two years before `to`. */
export const yearsBeforeData = 3;
/** Years after the last data a period may end (a period that runs into the current year). */
export const yearsAfterData = 1;
/** With no stays imported yet every answer is zero; the window is then fixed. */
export const emptyWindowFirstYear = 2000;

export interface PeriodWindow {
  /** Earliest `from`, YYYY-MM. */
  from: string;
  /** Latest `to`, YYYY-MM. */
  to: string;
  /** Why, for the messages: "the data starts in 2019" / "the data ends in 2024". */
  startReason: string;
  endReason: string;
}

export function periodWindow(years: DataYears | null, today: Date = new Date()): PeriodWindow {
  if (!years) {
    const last = today.getUTCFullYear() + 1;
    const reason = 'no stays have been imported yet';
    return { from: `${emptyWindowFirstYear}-01`, to: `${last}-12`, startReason: reason, endReason: reason };
  }
  return {
    from: `${years.first - yearsBeforeData}-01`,
    to: `${years.last + yearsAfterData}-12`,
    startReason: `the data starts in ${years.first}`,
    endReason: `the data ends in ${years.last}`,
  };
}

/** A refusal naming the limit, or null when from..to lies inside the window. Nothing is clamped. */
export function periodOutsideWindow(from: string, to: string, window: PeriodWindow): string | null {
  if (from < window.from) return `from must be ${window.from} or later: ${window.startReason} (got ${from})`;
  if (to > window.to) return `to must be ${window.to} or earlier: ${window.endReason} (got ${to})`;
  return null;
}

/** A default month placed inside the window (defaults are ours to choose; user values are not). */
export function intoWindow(month: string, window: PeriodWindow): string {
  return month < window.from ? window.from : month > window.to ? window.to : month;
}

// ── Cells ────────────────────────────────────────────────────────────────────────────────────────

/** How many periods `by` cuts firstMonth..lastMonth (YYYY-MM-01, inclusive) into. */
export function periodCount(firstMonth: string, lastMonth: string, by: PeriodGrain): number {
  const [y1, m1] = [Number(firstMonth.slice(0, 4)), Number(firstMonth.slice(5, 7))];
  const [y2, m2] = [Number(lastMonth.slice(0, 4)), Number(lastMonth.slice(5, 7))];
  switch (by) {
    case 'total':
      return 1;
    case 'year':
      return y2 - y1 + 1;
    case 'quarter':
      return y2 * 4 + Math.floor((m2 - 1) / 3) - (y1 * 4 + Math.floor((m1 - 1) / 3)) + 1;
    case 'month':
      return (y2 - y1) * 12 + (m2 - m1) + 1;
    case 'day': {
      const start = Date.UTC(y1, m1 - 1, 1);
      const end = Date.UTC(y2, m2, 1); // first day after the last month
      return Math.round((end - start) / 86_400_000);
    }
  }
}

const periodWords: Record<PeriodGrain, string> = { day: 'days', month: 'months', quarter: 'quarters', year: 'years', total: 'period' };
const grouped = (n: number) => n.toLocaleString('en-GB').replace(/,/g, ' ');

/** 400 when targets × periods is above the limit, saying the count, the limit and how to narrow it. */
export function checkCells(targets: number, periods: number, by: PeriodGrain, targetWord: string, maxCells: number): void {
  const cells = targets * periods;
  if (cells <= maxCells) return;
  const coarser = { day: 'by=month', month: 'by=quarter or by=year', quarter: 'by=year', year: 'by=total', total: null }[by];
  throw new ApiError(
    400,
    'too_many_cells',
    `The request asks for ${grouped(targets)} ${targetWord} × ${grouped(periods)} ${periodWords[by]} = ${grouped(cells)} cells; ` +
      `at most ${grouped(maxCells)} are answered at once. Narrow it: fewer ${targetWord}, a shorter period (from/to)` +
      `${coarser ? ` or ${coarser}` : ''}.`,
  );
}

// ── Time limit and concurrency ───────────────────────────────────────────────────────────────────

export class MetricGate {
  private readonly slots: Semaphore;
  private waitingCount = 0;
  private peakRunning = 0;

  constructor(readonly limits: MetricLimits) {
    this.slots = new Semaphore(limits.maxConcurrent);
  }

  /**
   * Runs `work` (queries on `connection`) in a slot, interrupting the connection's query when the
   * time limit passes. Hono's timeout middleware would answer but leave the query running.
   */
  async run<T>(connection: DuckDBConnection, work: () => Promise<T>): Promise<T> {
    const queued = this.slots.running >= this.limits.maxConcurrent;
    if (queued) this.waitingCount += 1;
    const granted = await this.slots.acquire(this.limits.queueWaitMs);
    if (queued) this.waitingCount -= 1;
    if (!granted) {
      throw new ApiError(
        503,
        'busy',
        `The server is busy with other metric queries (${this.limits.maxConcurrent} at a time) and this one waited ` +
          `${seconds(this.limits.queueWaitMs)} s for a turn. Try again in ${retryAfterSeconds} s.`,
        { 'Retry-After': String(retryAfterSeconds) },
      );
    }
    this.peakRunning = Math.max(this.peakRunning, this.slots.running);
    let timedOut = false;
    let timer = setTimeout(function stop() {
      timedOut = true;
      connection.interrupt();
      // DuckDB forgets an interrupt that arrives while the statement is still being prepared (it
      // resets the flag when execution starts): repeat until the query gives up.
      timer = setTimeout(stop, 25);
    }, this.limits.timeoutMs);
    try {
      return await work();
    } catch (error) {
      if (timedOut || /^INTERRUPT Error/.test(error instanceof Error ? error.message : String(error))) {
        throw new ApiError(
          504,
          'timeout',
          `The query was stopped after ${seconds(this.limits.timeoutMs)} s, the server's time limit for one metric answer. ` +
            'Narrow it: fewer municipalities or units, a shorter period (from/to) or a coarser by.',
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
      this.slots.release();
    }
  }

  /** Running and waiting now, and the most that ever ran at once. */
  stats(): { running: number; waiting: number; peakRunning: number } {
    return { running: this.slots.running, waiting: this.waitingCount, peakRunning: this.peakRunning };
  }
}

/** Most metric queries take well under a second; a few seconds lets a burst drain. */
const retryAfterSeconds = 5;
const seconds = (ms: number) => Number((ms / 1000).toFixed(3));

let processGate: MetricGate | null = null;
/** The gate for callers without an app (scripts, the engine's own tests): limits from the environment. */
export function defaultMetricGate(): MetricGate {
  processGate ??= new MetricGate(metricLimitsFromEnv());
  return processGate;
}
