// Formatting for people with Intl: bokmål is the default (`12,3 %`, `1 234`, `mars 2024`), English
// available. Intl writes a non-breaking space (U+00A0) as the thousands separator and before `%`.
import { describe, expect, it } from 'vitest';
import {
  formatChange,
  formatDate,
  formatMonthRange,
  formatNumber,
  formatPercent,
  formatPeriod,
  formatValue,
  monthNames,
  weekdayNames,
} from '../../web/src/lib/format.ts';

const nbsp = '\u00a0';

describe('numbers', () => {
  it('writes bokmål numbers with a space for thousands and a comma for decimals', () => {
    expect(formatNumber(1234, 'nb')).toBe(`1${nbsp}234`);
    expect(formatNumber(1234567.891, 'nb', 1)).toBe(`1${nbsp}234${nbsp}567,9`);
    expect(formatNumber(12.3, 'nb', 1)).toBe('12,3');
    expect(formatNumber(1234, 'en')).toBe('1,234');
  });

  it('writes percentages given in percent points as `12,3 %`', () => {
    expect(formatPercent(12.3, 'nb')).toBe(`12,3${nbsp}%`);
    expect(formatPercent(12.34, 'nb')).toBe(`12,3${nbsp}%`);
    expect(formatPercent(12.3, 'en')).toBe('12.3%');
  });

  it('formats a value by its unit: percent with %, rates per 1000 with one decimal', () => {
    expect(formatValue(12.3, 'percent', 'nb')).toBe(`12,3${nbsp}%`);
    expect(formatValue(1234.56, 'per-1000-per-year', 'nb')).toBe(`1${nbsp}234,6`);
    expect(formatValue(4.25, 'nights-per-stay', 'en')).toBe('4.3');
  });

  it('shows the change from a year earlier in percent points for shares and in per cent for rates', () => {
    // 14.0 % → 12.3 %: −1.7 points.
    expect(formatChange(12.3, 14, 'percent', 'nb')).toBe('−1,7 pp');
    // 110 → 121 per 1000: +10 %.
    expect(formatChange(121, 110, 'per-1000-per-year', 'nb')).toBe(`+10,0${nbsp}%`);
    expect(formatChange(121, 110, 'per-1000-per-year', 'en')).toBe('+10.0%');
    expect(formatChange(5, 0, 'per-1000-per-year', 'nb')).toBe('–');
  });
});

describe('periods and dates', () => {
  it('names months in bokmål and English', () => {
    expect(formatPeriod('2024-03', 'nb')).toBe('mars 2024');
    expect(formatPeriod('2024-03', 'en')).toBe('March 2024');
    expect(formatPeriod('2024-Q1', 'nb')).toBe('1. kv. 2024');
    expect(formatPeriod('2024-Q1', 'en')).toBe('Q1 2024');
    expect(formatPeriod('2024', 'nb')).toBe('2024');
    expect(formatPeriod('2024-03-03', 'nb')).toBe('3. mars 2024');
    expect(formatPeriod('2024-03-03', 'en')).toBe('3 March 2024');
  });

  it('writes the months a figure covers as a range: year once when both ends share it', () => {
    expect(formatMonthRange('2024-12', '2025-11', 'nb')).toBe('des. 2024–nov. 2025');
    expect(formatMonthRange('2025-01', '2025-12', 'nb')).toBe('jan.–des. 2025');
    expect(formatMonthRange('2025-03', '2025-03', 'nb')).toBe('mars 2025');
    // English puts thin spaces (U+2009) around the dash.
    expect(formatMonthRange('2024-12', '2025-11', 'en')).toBe('Dec 2024\u2009–\u2009Nov 2025');
  });

  it('gives seven weekday names, Sunday first, for the KAD calendar', () => {
    expect(weekdayNames('nb')).toEqual(['søn', 'man', 'tir', 'ons', 'tor', 'fre', 'lør']);
    expect(weekdayNames('en')).toEqual(['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']);
  });

  it('gives twelve short month names for the seasonal axis', () => {
    const names = monthNames('nb');
    expect(names).toHaveLength(12);
    expect(names[0]).toBe('jan');
    expect(names[2]).toBe('mar');
    expect(monthNames('en')[11]).toBe('Dec');
  });

  it('writes "data through" dates as people do', () => {
    expect(formatDate('2024-03-31', 'nb')).toBe('31. mars 2024');
    expect(formatDate('2024-03-31', 'en')).toBe('31 March 2024');
  });
});
