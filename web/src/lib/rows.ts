// Turning API rows into table cells: suppressed cells say so (never 0), numbers via Intl.
import type { MetricRow, MetricUnit } from '$contract/types.ts';
import { formatNumber, formatPeriod, formatValue, type Lang } from './format.ts';
import { translate } from './i18n/index.ts';
import type { CsvCell } from './csv.ts';

export interface TableCell {
  text: string;
  csv: CsvCell;
  suppressed?: boolean;
}

export function textCell(text: string): TableCell {
  return { text, csv: text };
}

function numberCell(value: number | null, text: (v: number) => string, suppressed: boolean, lang: Lang): TableCell {
  if (suppressed) {
    const words = translate(lang, 'suppressed');
    return { text: words, csv: words, suppressed: true };
  }
  return value === null ? { text: '–', csv: null } : { text: text(value), csv: Math.round(value * 1000) / 1000 };
}

/** A protected (adjusted) figure is marked * on screen; the CSV carries the number as sent. */
export function valueCell(row: MetricRow, unit: MetricUnit, lang: Lang, field: 'value' | 'standardised' = 'value'): TableCell {
  const value = field === 'value' ? row.value : (row.standardised ?? null);
  const cell = numberCell(value, (v) => formatValue(v, unit, lang), row.suppressed, lang);
  return row.protected && value !== null ? { ...cell, text: `${cell.text}*` } : cell;
}

export function countCell(value: number | null, suppressed: boolean, lang: Lang, decimals = 0): TableCell {
  return numberCell(value, (v) => formatNumber(v, lang, decimals), suppressed, lang);
}

export function intervalCell(row: MetricRow, unit: MetricUnit, lang: Lang, field: 'value' | 'standardised' = 'value'): TableCell {
  const [low, high] = field === 'value' ? [row.ciLow, row.ciHigh] : [row.standardisedCiLow ?? null, row.standardisedCiHigh ?? null];
  if (row.suppressed || low === null || high === null) return { text: '–', csv: null };
  const text = `${formatValue(low, unit, lang)} – ${formatValue(high, unit, lang)}`;
  return { text, csv: text };
}

/** Standard table of a metric response: period, place, numerator, denominator, value, interval. */
export function metricTable(rows: MetricRow[], unit: MetricUnit, lang: Lang, name: (key: string) => string): TableCell[][] {
  return rows.map((row) => [
    { text: formatPeriod(row.period, lang), csv: row.period },
    textCell(name(row.unit ?? row.municipality ?? '')),
    countCell(row.numerator, row.suppressed, lang, unit === 'per-1000-per-year' || unit === 'nights-per-stay' ? 0 : 0),
    countCell(row.denominator, false, lang, unit === 'per-1000-per-year' ? 1 : 0),
    valueCell(row, unit, lang),
    intervalCell(row, unit, lang),
  ]);
}

export const pointsOf = (rows: MetricRow[]) => rows.map((r) => ({ period: r.period, value: r.suppressed ? null : r.value }));
