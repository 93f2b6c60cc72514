// One dictionary per language with the same keys (the type check enforces that en has every nb key;
// this checks there is nothing extra, nothing empty, and the same placeholders on both sides).
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/lib/i18n/en.ts';
import { nb } from '../../web/src/lib/i18n/nb.ts';
import { translate } from '../../web/src/lib/i18n/index.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  it('have the same keys, no empty text and the same placeholders', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(nb).sort());
    for (const key of Object.keys(nb) as (keyof typeof nb)[]) {
      expect(en[key].trim(), key).not.toBe('');
      expect(placeholders(en[key]), key).toEqual(placeholders(nb[key]));
    }
  });

  it('show a suppressed cell as "skjult (< 5)" in bokmål and "hidden (< 5)" in English', () => {
    expect(translate('nb', 'suppressed')).toBe('skjult (< 5)');
    expect(translate('en', 'suppressed')).toBe('hidden (< 5)');
  });

  it('fill placeholders', () => {
    expect(translate('nb', 'dataThrough', { date: '31. mars 2024' })).toBe('Data til og med 31. mars 2024');
    expect(translate('en', 'user.signedInAs', { user: 'kari', role: 'viewer' })).toBe('Signed in as kari (viewer)');
  });
});
