// The cost columns of discharge-ready days: the cost, and beside it the daily rate(s) it used, or, when
// a year of the period has no rate, the sentence asking an administrator to add it (never a silent dash).
import type { MetricRow } from '$contract/types.ts';
import { formatNumber, type Lang } from './format.ts';
import { translate } from './i18n/index.ts';
import { countCell, textCell, type TableCell } from './rows.ts';

/** Whether the answer's rows carry a cost (the API sends the rates with every such row). */
export const hasCost = (rows: MetricRow[]) => rows.some((row) => row.dailyRates !== undefined);

const kroner = (value: number, lang: Lang) => formatNumber(value, lang, Number.isInteger(value) ? 0 : 2);

/** `5 245 kr per døgn (2025)`; several years joined; the missing-rate sentence for years without one. */
export function dailyRateText(row: MetricRow, lang: Lang): string {
  const rates = (row.dailyRates ?? []).map((r) => translate(lang, 'cost.perNight', { rate: kroner(r.nok, lang), year: r.year }));
  const missing = row.missingRateYears ?? [];
  if (missing.length > 0) rates.push(translate(lang, 'cost.missingRate', { years: missing.join(', ') }));
  return rates.join('; ');
}

/** [cost, daily rate]. A cost from protected nights is marked * like every protected figure. */
export function costCells(row: MetricRow, lang: Lang): [TableCell, TableCell] {
  const rate = textCell(dailyRateText(row, lang));
  const missing = (row.missingRateYears ?? []).length > 0;
  if (row.costNok == null && missing && !row.suppressed) return [{ text: translate(lang, 'cost.unknown'), csv: null }, rate];
  const cost = countCell(row.costNok ?? null, row.suppressed, lang);
  return [row.protected && row.costNok != null ? { ...cost, text: `${cost.text}*` } : cost, rate];
}

/** The metric table with the two cost columns appended to every row, when the rows carry a cost. */
export function withCostColumns(table: TableCell[][], rows: MetricRow[], lang: Lang): TableCell[][] {
  return hasCost(rows) ? table.map((cells, i) => [...cells, ...costCells(rows[i]!, lang)]) : table;
}
