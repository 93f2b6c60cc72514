// What a person sees from `npm run import`: the progress line and the end-of-run summary.
import { describe, expect, it } from 'vitest';
import { formatSummary, progressLine } from '../../pipeline/progress.ts';

describe('import report', () => {
  it('draws a progress line: 50 MB of 200 MB is a quarter of the bar', () => {
    expect(progressLine({ file: 'stays.csv', phase: 'validating', bytesDone: 50 * 1024 * 1024, bytesTotal: 200 * 1024 * 1024 }, 8)).toBe(
      'stays.csv  [##......]  25%  checking  50.0 MB of 200 MB',
    );
  });

  it('prints a table of files, then the first errors and notes of each file', () => {
    const text = formatSummary(
      {
        files: [
          { file: 'jan.csv', kind: 'sykehusopphold', status: 'imported', rowsRead: 3, rowsImported: 3, rowsRejected: 0, errors: [], warnings: [], importId: 1 },
          {
            file: 'feb.csv',
            kind: 'sykehusopphold',
            status: 'rejected',
            rowsRead: 4,
            rowsImported: 0,
            rowsRejected: 3,
            errors: [
              { line: 3, column: 'utskrevet', message: '"31.02.2024" is not a date' },
              { line: 4, column: 'alder', message: '"200" is not an age between 0 and 120' },
              { line: 5, column: null, message: 'the row has too many values' },
            ],
            warnings: ['3 of 4 rows rejected; nothing imported'],
            importId: 2,
          },
        ],
      },
      2,
    );
    expect(text).toBe(
      [
        'file     kind            status    read  imported  rejected',
        'jan.csv  sykehusopphold  imported     3         3         0',
        'feb.csv  sykehusopphold  rejected     4         0         3',
        '',
        'feb.csv:',
        '  line 3, column utskrevet: "31.02.2024" is not a date',
        '  line 4, column alder: "200" is not an age between 0 and 120',
        '  … 1 more (3 rejected rows in all; --json lists them)',
        '  note: 3 of 4 rows rejected; nothing imported',
      ].join('\n'),
    );
  });
});
