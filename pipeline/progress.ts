// What `npm run import` shows a person: a progress bar on a terminal while a big file is read, and a
// summary table with the first errors of each file at the end. Pure formatting, no I/O.
import type { FileImportResult, ImportSummary } from '../contract/types.ts';
import type { ImportProgress } from './import.ts';

/** Files smaller than this finish too fast for a bar to help. */
export const progressBarMinBytes = 4 * 1024 * 1024;

const phaseNames: Record<ImportProgress['phase'], string> = {
  reading: 'reading',
  validating: 'checking',
  loading: 'loading',
  done: 'done',
};

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(bytes < 100 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** One line such as `extract.csv  [########............]  40%  checking  80.0 MB of 200 MB`. */
export function progressLine(p: ImportProgress, width = 30): string {
  const fraction = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 1;
  const filled = Math.round(fraction * width);
  const name = p.file.length > 30 ? `…${p.file.slice(-29)}` : p.file;
  return `${name}  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%  ${phaseNames[p.phase].padEnd(8)}  ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const numeric = (column: number) => column >= 3;
  return rows
    .map((row) => row.map((cell, column) => (numeric(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd())
    .join('\n');
}

function describeError(error: FileImportResult['errors'][number]): string {
  const where = [error.line !== null ? `line ${error.line}` : null, error.column !== null ? `column ${error.column}` : null].filter(Boolean).join(', ');
  return where ? `${where}: ${error.message}` : error.message;
}

/** The end-of-run report: a table of files, then each file's first errors and its warnings. */
export function formatSummary(summary: ImportSummary, errorsPerFile = 10): string {
  const rows = [['file', 'kind', 'status', 'read', 'imported', 'rejected']];
  for (const f of summary.files)
    rows.push([f.file, f.kind ?? '–', f.status, String(f.rowsRead), String(f.rowsImported), String(f.rowsRejected)]);
  const out = [table(rows)];
  for (const f of summary.files) {
    if (f.errors.length === 0 && f.warnings.length === 0) continue;
    out.push('', `${f.file}:`);
    for (const error of f.errors.slice(0, errorsPerFile)) out.push(`  ${describeError(error)}`);
    if (f.errors.length > errorsPerFile)
      out.push(`  … ${f.errors.length - errorsPerFile} more (${f.rowsRejected} rejected rows in all; --json lists them)`);
    for (const warning of f.warnings) out.push(`  note: ${warning}`);
  }
  return out.join('\n');
}
