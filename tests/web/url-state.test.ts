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
    const state = {
      ...defaultState, place: 'kristiansand', metric: 'acute-admissions' as const, from: '2022-01', to: '2024-12', set: 'k1', unit: 'u1',
      breakdown: 'age' as const, lang: 'en' as const, alternatives: ['MMMM', 'HHMH'] as const, change: -1.5, occupancy: 90,
      group: 'kols' as const,
    };
    expect(parseState(serializeState(state))).toEqual(state);
  });

  it('builds links that keep the state and change one field', () => {
    const state = parseState('m=4223&lang=en');
    expect(linkTo('/compare', state)).toBe('/compare?m=4223&lang=en');
    expect(linkTo('/', state, { lang: 'nb' })).toBe('/?m=4223');
    expect(linkTo('/', defaultState)).toBe('/');
  });
});

describe('projection scenario in the URL', () => {
  it('shows all three alternatives, no change and 85 % occupancy by default', () => {
    expect([defaultState.alternatives, defaultState.change, defaultState.occupancy]).toEqual([['MMMM', 'LLML', 'HHMH'], 0, 85]);
  });

  it('reads alternatives in SSB\'s order whatever the link\'s order, case or repeats', () => {
    expect(parseState('alt=hhmh,MMMM,HHMH').alternatives).toEqual(['MMMM', 'HHMH']);
    expect(parseState('alt=LLML').alternatives).toEqual(['LLML']);
  });

  it('reads the change with one decimal and the occupancy whole, a decimal comma too', () => {
    expect(parseState('change=-1&occ=90')).toMatchObject({ change: -1, occupancy: 90 });
    expect(parseState('change=2,25').change).toBe(2.3); // 2,25 rounds to one decimal
    expect(parseState('change=+5&occ=50')).toMatchObject({ change: 5, occupancy: 50 });
  });

  it('falls back to the defaults for unknown alternatives and numbers out of range or not numbers', () => {
    const state = parseState('alt=XXXX,,&change=-6&occ=101');
    expect([state.alternatives, state.change, state.occupancy]).toEqual([['MMMM', 'LLML', 'HHMH'], 0, 85]);
    expect(parseState('change=1e2&occ=NaN')).toMatchObject({ change: 0, occupancy: 85 });
    expect(parseState('change=-0').change).toBe(0);
  });

  it('writes the scenario after the other keys and leaves its defaults out', () => {
    expect(serializeState({ ...defaultState, place: '4204', alternatives: ['LLML', 'HHMH'], change: -1, occupancy: 80 })).toBe(
      'm=4204&alt=LLML%2CHHMH&change=-1&occ=80',
    );
    expect(serializeState({ ...defaultState, alternatives: ['MMMM', 'LLML', 'HHMH'], change: 0, occupancy: 85 })).toBe('');
  });
});

describe('diagnosis group of a projection in the URL', () => {
  it('reads a known group and ignores anything else (a typo, a case change, an injection)', () => {
    expect(parseState('group=hjertesvikt').group).toBe('hjertesvikt');
    for (const bad of ['group=Hjertesvikt', 'group=kol', 'group=', "group=kols'--", 'group=kols%00']) {
      expect(parseState(bad).group).toBe(null);
    }
  });

  it('writes the group after the scenario and leaves it out when none is chosen', () => {
    expect(serializeState({ ...defaultState, place: '4204', change: -1, group: 'brudd' })).toBe('m=4204&change=-1&group=brudd');
    expect(serializeState({ ...defaultState, group: null })).toBe('');
  });
});
