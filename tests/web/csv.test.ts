// CSV downloads open correctly in a Norwegian spreadsheet: `;` and decimal comma in bokmål, quoted
// text where needed, suppressed cells in words (never 0), a BOM so Excel reads UTF-8.
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../web/src/lib/csv.ts';

describe('toCsv', () => {
  it('writes bokmål CSV with ; and decimal comma', () => {
    const csv = toCsv(['Periode', 'Kommune', 'Verdi'], [['2024-03', '4223 Vennesla', 12.3], ['2024-04', '4223 Vennesla', 'skjult (< 5)']], 'nb');
    expect(csv).toBe('\uFEFFPeriode;Kommune;Verdi\r\n2024-03;4223 Vennesla;12,3\r\n2024-04;4223 Vennesla;skjult (< 5)\r\n');
  });

  it('writes English CSV with , and decimal point, quoting cells that contain the separator', () => {
    const csv = toCsv(['Name', 'Value'], [['Lindesnes, Vest', 1234.5], ['"A"', null]], 'en');
    expect(csv).toBe('\uFEFFName,Value\r\n"Lindesnes, Vest",1234.5\r\n"""A""",\r\n');
  });
});
