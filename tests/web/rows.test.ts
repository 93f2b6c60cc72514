// Table cells of the comparison: the interval beside the crude value and the one beside the
// standardised value; a suppressed row shows neither.
import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../../contract/types.ts';
import { intervalCell, valueCell } from '../../web/src/lib/rows.ts';

const row: MetricRow = {
  municipality: '4223', period: 'total', numerator: 30, denominator: 1100, value: 27.27, ciLow: 18.4, ciHigh: 38.9,
  suppressed: false, standardised: 64.29, standardisedCiLow: 41.16, standardisedCiHigh: 94.68,
};

describe('interval cells', () => {
  it('formats the crude and the standardised interval the Norwegian way', () => {
    expect(intervalCell(row, 'per-1000-per-year', 'nb').text).toBe('18,4 – 38,9');
    expect(intervalCell(row, 'per-1000-per-year', 'nb', 'standardised').text).toBe('41,2 – 94,7');
    expect(valueCell(row, 'per-1000-per-year', 'nb', 'standardised').text).toBe('64,3');
  });

  it('shows a dash without an interval and for a suppressed row', () => {
    expect(intervalCell({ ...row, standardisedCiLow: null, standardisedCiHigh: null }, 'per-1000-per-year', 'nb', 'standardised').text).toBe('–');
    expect(intervalCell({ ...row, suppressed: true }, 'per-1000-per-year', 'nb', 'standardised')).toEqual({ text: '–', csv: null });
  });
});
