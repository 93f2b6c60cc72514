// CSV download of a table as people open it in a spreadsheet: UTF-8 with BOM; in bokmål the
// separator is `;` and the decimal mark `,` (what Norwegian Excel expects), in English `,` and `.`.
// Suppressed cells carry the same words as the screen, never 0. Tested in tests/web/csv.test.ts.
import type { Lang } from './format.ts';

export type CsvCell = string | number | null;

export function toCsv(header: string[], rows: CsvCell[][], lang: Lang): string {
  const separator = lang === 'nb' ? ';' : ',';
  const cell = (value: CsvCell): string => {
    if (value === null) return '';
    const text = typeof value === 'number' ? (lang === 'nb' ? String(value).replace('.', ',') : String(value)) : value;
    const needsQuotes = text.includes(separator) || /["\n\r]/.test(text);
    return needsQuotes ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return '\uFEFF' + [header, ...rows].map((row) => row.map(cell).join(separator)).join('\r\n') + '\r\n';
}
