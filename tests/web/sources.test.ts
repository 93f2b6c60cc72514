// The header's warning: which hospitals lag the latest by more than a month (31 days).
import { describe, expect, it } from 'vitest';
import { laggingSources } from '../../web/src/lib/sources.ts';

describe('laggingSources', () => {
  it('names a hospital more than 31 days behind the latest, and not one exactly a month behind', () => {
    // Latest 31 Dec. 30 Nov is 31 days behind (not lagging); 29 Nov is 32 (lagging); 31 Oct is 61.
    const sources = [
      { source: 'SSHF Kristiansand', dataThrough: '2024-12-31' },
      { source: 'SSHF Arendal', dataThrough: '2024-11-29' },
      { source: 'SSHF Flekkefjord', dataThrough: '2024-11-30' },
      { source: 'OUS', dataThrough: '2024-10-31' },
    ];
    expect(laggingSources(sources)).toEqual([
      { source: 'OUS', dataThrough: '2024-10-31' },
      { source: 'SSHF Arendal', dataThrough: '2024-11-29' },
    ]);
  });

  it('finds none with one hospital or none', () => {
    expect(laggingSources([{ source: 'SSHF Kristiansand', dataThrough: '2024-12-31' }])).toEqual([]);
    expect(laggingSources([])).toEqual([]);
  });
});
