// Numbers, periods and dates for people: Intl with nb-NO (bokmål) or en-GB, never hand-made separators.
// Pure functions, tested in tests/web/format.test.ts. Bokmål gives `12,3 %`, `1 234`, `mars 2024`
// (the spaces are non-breaking, as Intl writes them, so a number never wraps in a card or a table).
import type { MetricUnit } from '../../../contract/types.ts';

export type Lang = 'nb' | 'en';
export const languages: readonly Lang[] = ['nb', 'en'];

const locales: Record<Lang, string> = { nb: 'nb-NO', en: 'en-GB' };
const cache = new Map<string, Intl.NumberFormat>();

function numberFormat(lang: Lang, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${lang}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locales[lang], options);
    cache.set(key, format);
  }
  return format;
}

/** A plain number with the given number of decimals (default: whole numbers). `1 234`, `12,3`. */
export function formatNumber(value: number, lang: Lang, decimals = 0): string {
  return numberFormat(lang, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value);
}

/** A percentage given in percent points (12.3 → `12,3 %`). */
export function formatPercent(value: number, lang: Lang, decimals = 1): string {
  return numberFormat(lang, { style: 'percent', minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(
    value / 100,
  );
}

/** Decimals that suit a metric's unit: rates per 1000 with one decimal, nights per stay with one. */
export function decimalsFor(unit: MetricUnit): number {
  return unit === 'percent' ? 1 : 1;
}

/** A metric value in its unit, without the unit's words (those belong to the dictionary). */
export function formatValue(value: number, unit: MetricUnit, lang: Lang): string {
  return unit === 'percent' ? formatPercent(value, lang, decimalsFor(unit)) : formatNumber(value, lang, decimalsFor(unit));
}

/** A change between two values: percent points for shares, per cent otherwise; always with a sign. */
export function formatChange(current: number, previous: number, unit: MetricUnit, lang: Lang): string {
  if (unit === 'percent') {
    const points = current - previous;
    const text = numberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(points);
    return lang === 'nb' ? `${text} pp` : `${text} pp`;
  }
  if (previous === 0) return '–';
  return numberFormat(lang, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  }).format((current - previous) / previous);
}

/** `2024-03-03` → `3. mars 2024`; `2024-03` → `mars 2024`; `2024-Q1` → `1. kv. 2024`; `2024` → `2024`; `total` stays. */
export function formatPeriod(period: string, lang: Lang, style: 'long' | 'short' = 'long'): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(period)) return formatDate(period, lang);
  const month = /^(\d{4})-(\d{2})$/.exec(period);
  if (month) {
    const date = new Date(Date.UTC(Number(month[1]), Number(month[2]) - 1, 1));
    return new Intl.DateTimeFormat(locales[lang], { month: style, year: 'numeric', timeZone: 'UTC' }).format(date);
  }
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (quarter) return lang === 'nb' ? `${quarter[2]}. kv. ${quarter[1]}` : `Q${quarter[2]} ${quarter[1]}`;
  return period;
}

/** The months a figure covers: `2024-12`, `2025-11` → `des. 2024–nov. 2025`; in one year `jan.–des. 2025` (Intl's own range). */
export function formatMonthRange(from: string, to: string, lang: Lang): string {
  const date = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1));
  const format = new Intl.DateTimeFormat(locales[lang], { month: 'short', year: 'numeric', timeZone: 'UTC' });
  return from === to ? format.format(date(from)) : format.formatRange(date(from), date(to));
}

/** Month name alone (for the seasonal chart's axis): `jan`, `feb` … */
export function monthNames(lang: Lang): string[] {
  const format = new Intl.DateTimeFormat(locales[lang], { month: 'short', timeZone: 'UTC' });
  return Array.from({ length: 12 }, (_, m) => format.format(new Date(Date.UTC(2024, m, 1))).replace('.', ''));
}

/** Seven short weekday names, Sunday first (the order ECharts' calendar expects in its nameMap). */
export function weekdayNames(lang: Lang): string[] {
  const format = new Intl.DateTimeFormat(locales[lang], { weekday: 'short', timeZone: 'UTC' });
  // 7 January 2024 was a Sunday.
  return Array.from({ length: 7 }, (_, d) => format.format(new Date(Date.UTC(2024, 0, 7 + d))).replace('.', ''));
}

/** An ISO date or timestamp as a date for people: `31. mars 2024`. */
export function formatDate(iso: string, lang: Lang): string {
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso.endsWith('Z') ? iso : `${iso}Z`);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locales[lang], { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/** An ISO timestamp with the time of day, for the import history. */
export function formatDateTime(iso: string, lang: Lang): string {
  const date = new Date(iso.endsWith('Z') ? iso : `${iso}Z`);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locales[lang], { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(date);
}

/** Bytes as people read them (for upload progress). */
export function formatBytes(bytes: number, lang: Lang): string {
  if (bytes < 1024) return `${formatNumber(bytes, lang)} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(bytes / 1024, lang, 1)} KB`;
  return `${formatNumber(bytes / 1024 / 1024, lang, 1)} MB`;
}
