// The view's state in the URL: a pasted link opens the same view; a broken parameter falls back to
// its default rather than breaking the page; equal views give equal links.
import { describe, expect, it } from 'vitest';
import { defaultState, linkTo, parseState, serializeState } from '../../web/src/lib/url-state.ts';

describe('parseState', () => {
  it('gives the defaults for an empty query: bokmål, readmissions, all municipalities', () => {
    expect(parseState('')).toEqual(defaultState);
    expect(defaultState.lang).toBe('nb');
  });

  it('reads municipality, metric, period, comparison set and language', () => {
    expect(parseState('m=4223&metric=kad-bed-days&from=2023-01&to=2024-06&set=kristiansand&lang=en')).toEqual({
      ...defaultState,
      place: '4223',
      metric: 'kad-bed-days',
      from: '2023-01',
      to: '2024-06',
      set: 'kristiansand',
      lang: 'en',
    });
  });

  it('ignores values it does not know instead of failing', () => {
    const state = parseState('m=%27%3BDROP&metric=nope&from=2024-13&to=june&lang=de&by=sex&set=');
    expect(state).toEqual(defaultState);
  });

  it('swaps a period given backwards', () => {
    const state = parseState('from=2024-06&to=2023-01');
    expect([state.from, state.to]).toEqual(['2023-01', '2024-06']);
  });
});

describe('serializeState', () => {
  it('leaves defaults out and writes the keys in a fixed order', () => {
    expect(serializeState(defaultState)).toBe('');
    expect(serializeState({ ...defaultState, lang: 'en', place: '4223', to: '2024-06' })).toBe('m=4223&to=2024-06&lang=en');
  });

  it('round-trips: parse(serialize(state)) is the state', () => {
    const state = { ...defaultState, place: 'kristiansand', metric: 'acute-admissions' as const, from: '2022-01', to: '2024-12', set: 'k1', unit: 'u1', breakdown: 'age' as const, lang: 'en' as const };
    expect(parseState(serializeState(state))).toEqual(state);
  });

  it('builds links that keep the state and change one field', () => {
    const state = parseState('m=4223&lang=en');
    expect(linkTo('/compare', state)).toBe('/compare?m=4223&lang=en');
    expect(linkTo('/', state, { lang: 'nb' })).toBe('/?m=4223');
    expect(linkTo('/', defaultState)).toBe('/');
  });
});
