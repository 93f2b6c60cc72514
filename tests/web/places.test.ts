// Where a user lands and which places a "no figures here" message points to, from the reference lists
// alone (lib/places.ts). The lists below are a small hand-made copy of the demo's shape: Oslo is listed
// (every current municipality is) but has no population and no KAD unit; two collaborations have data.
import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../../contract/types.ts';
import type { Collaboration, KadUnit, Municipality } from '../../contract/types.ts';
import { defaultPlace, hasData, placesWithData, unitsServing, type ReferenceLists } from '../../web/src/lib/places.ts';

const municipality = (code: string, name: string, population: number | null, collaborations: string[] = []): Municipality => ({
  code,
  name,
  county: null,
  population,
  populationYear: population === null ? null : 2025,
  collaborations,
});
const municipalities = [
  municipality('0301', 'Oslo', null),
  municipality('3201', 'Bærum', 130_000, ['vestre-viken']),
  municipality('3310', 'Hole', 7_000, ['vestre-viken']),
  municipality('4204', 'Kristiansand', 115_000, ['knutepunkt-sorlandet']),
  municipality('4223', 'Vennesla', 15_000, ['knutepunkt-sorlandet']),
  municipality('5001', 'Trondheim', null),
];
// In the API's order: by name.
const collaborations: Collaboration[] = [
  { id: 'knutepunkt-sorlandet', name: 'Knutepunkt Sørlandet', municipalities: ['4204', '4223'] },
  { id: 'trondelag', name: 'Trøndelag (no data)', municipalities: ['5001'] },
  { id: 'vestre-viken', name: 'Vestre Viken', municipalities: ['3201', '3310'] },
];
const units: KadUnit[] = [
  { unit: 'KRS-KAD', name: 'Kristiansand KAD', hostMunicipality: '4204', municipalities: ['4204', '4223'] },
  { unit: 'BAE-KAD', name: 'Bærum KAD', hostMunicipality: '3201', municipalities: ['3201'] },
];
const lists: ReferenceLists = { municipalities, collaborations, units };

const admin: SessionUser = { username: 'admin', role: 'admin', municipalities: [] };
const leader: SessionUser = { username: 'kari', role: 'leader', municipalities: ['4223', '4204'] };

describe('placesWithData', () => {
  it('lists collaborations with a member that has population, then municipalities by inhabitants', () => {
    expect(placesWithData(lists).map((p) => p.code)).toEqual(['knutepunkt-sorlandet', 'vestre-viken', '3201', '4204', '4223', '3310']);
    expect(placesWithData(lists)[0]).toEqual({ code: 'knutepunkt-sorlandet', name: 'Knutepunkt Sørlandet', kind: 'collaboration' });
  });

  it('for KAD occupancy lists the places a unit serves (Hole has people but no unit)', () => {
    expect(placesWithData(lists, 'unit').map((p) => p.code)).toEqual(['knutepunkt-sorlandet', 'vestre-viken', '3201', '4204', '4223']);
  });

  it('is empty before anything is imported', () => {
    const bare = { municipalities: municipalities.map((m) => ({ ...m, population: null })), collaborations, units: [] };
    expect(placesWithData(bare)).toEqual([]);
    expect(placesWithData(bare, 'unit')).toEqual([]);
  });
});

describe('hasData', () => {
  it('is false for Oslo and a collaboration without data, true for a member or a collaboration with data', () => {
    expect(hasData('0301', lists)).toBe(false);
    expect(hasData('trondelag', lists)).toBe(false);
    expect(hasData('4223', lists)).toBe(true);
    expect(hasData('vestre-viken', lists)).toBe(true);
    expect(hasData('3310', lists, 'unit')).toBe(false);
    expect(hasData('vestre-viken', lists, 'unit')).toBe(true);
  });
});

describe('defaultPlace', () => {
  it('puts a user without municipalities on the first collaboration with data, never on the first code (Oslo)', () => {
    expect(defaultPlace(admin, lists)).toBe('knutepunkt-sorlandet');
    expect(defaultPlace(null, lists)).toBe('knutepunkt-sorlandet');
  });

  it('puts a leader on their own first municipality', () => {
    expect(defaultPlace(leader, lists)).toBe('4223');
    expect(defaultPlace(leader, lists, 'unit')).toBe('4223');
  });

  it('without a collaboration with data, picks the municipality with the most inhabitants', () => {
    const noCollaborations = { ...lists, collaborations: [] };
    expect(defaultPlace(admin, noCollaborations)).toBe('3201');
  });

  it('with nothing imported, falls back to the first municipality', () => {
    const bare = { municipalities: municipalities.map((m) => ({ ...m, population: null })), collaborations, units: [] };
    expect(defaultPlace(admin, bare)).toBe('0301');
  });
});

describe('unitsServing', () => {
  it('finds the units serving a municipality or any member of a collaboration', () => {
    expect(unitsServing('4223', lists).map((u) => u.unit)).toEqual(['KRS-KAD']);
    expect(unitsServing('vestre-viken', lists).map((u) => u.unit)).toEqual(['BAE-KAD']);
    expect(unitsServing('0301', lists)).toEqual([]);
  });
});
