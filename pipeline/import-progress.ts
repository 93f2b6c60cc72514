// How far one file's import is, for a progress bar: reading the file, DuckDB's own progress while it
// validates and loads, done. pipeline/progress.ts draws it.
import type { DuckDBConnection } from '@duckdb/node-api';

export interface ImportProgress {
  file: string;
  phase: 'reading' | 'validating' | 'loading' | 'done';
  bytesDone: number;
  bytesTotal: number;
}

/** Reports one file's progress. The bar never goes back (each DuckDB query reports its own progress from 0). */
export type ReportProgress = (phase: ImportProgress['phase'], bytesDone: number) => void;

export function progressReporter(file: string, bytesTotal: number, onProgress: ((p: ImportProgress) => void) | undefined): ReportProgress {
  let shown = 0;
  return (phase, bytesDone) => {
    shown = Math.max(shown, Math.min(bytesDone, bytesTotal));
    onProgress?.({ file, phase, bytesDone: Math.round(shown), bytesTotal });
  };
}

export interface ProgressStage {
  phase: ImportProgress['phase'];
  /** Share of the bar at the start and end of the stage. */
  from: number;
  to: number;
}

/** DuckDB reports the running query's progress; maps it onto the current stage's share of the bar. */
export function watchQueryProgress(
  connection: DuckDBConnection,
  progress: ReportProgress,
  bytesTotal: number,
  first: ProgressStage,
): { enter(stage: ProgressStage): void; stop(): void } {
  let stage = first;
  progress(stage.phase, bytesTotal * stage.from);
  const poll = setInterval(() => {
    const percentage = connection.progress.percentage;
    if (percentage > 0) progress(stage.phase, bytesTotal * (stage.from + ((stage.to - stage.from) * percentage) / 100));
  }, 250);
  return {
    enter(next) {
      stage = next;
      progress(stage.phase, bytesTotal * stage.from);
    },
    stop: () => clearInterval(poll),
  };
}
