// Every diagnosis group in the contract has a name in both languages, so pickers and charts never show an id.
import { describe, expect, it } from 'vitest';
import { diagnosisGroups } from '../../contract/metrics.ts';
import { groupName } from '../../web/src/lib/i18n/index.ts';

describe('diagnosis group names', () => {
  it('names each group in bokmål and English, all different within a language', () => {
    for (const lang of ['nb', 'en'] as const) {
      const names = diagnosisGroups.map((g) => groupName(g, lang));
      expect(names.every((n) => n.length > 0 && !n.startsWith('group.'))).toBe(true);
      expect(new Set(names).size).toBe(diagnosisGroups.length);
    }
    expect([groupName('kols', 'nb'), groupName('kols', 'en'), groupName('hjertesvikt', 'en')]).toEqual(['KOLS', 'COPD', 'Heart failure']);
  });
});
