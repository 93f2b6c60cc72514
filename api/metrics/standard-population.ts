// The fixed standard populations for direct age–sex standardisation: reference data shipped with the
// project (reference/standard-populations.csv), installed as the view standard_population_reference
// before the metric SQL, so a standardised figure never depends on which population years happen to
// be imported. population.sql spreads the bands over single ages and groups them into strata.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultStandardPopulation, standardPopulations, type StandardPopulationId } from '../../contract/types.ts';
import { InvalidQueryError } from './targets.ts';

export { defaultStandardPopulation, standardPopulations, type StandardPopulationId };

/** How each standard is built: which reference population gives the weights, which age strata it uses. */
export const standardDefinitions: Record<StandardPopulationId, { population: string; strata: 'five-year' | 'broad'; description: string }> = {
  esp2013: {
    population: 'esp2013',
    strata: 'five-year',
    description: 'European Standard Population 2013 (Eurostat), by sex in 5-year age groups 0–4 … 85–89, 90+.',
  },
  'esp2013-broad': {
    population: 'esp2013',
    strata: 'broad',
    description: 'European Standard Population 2013 by sex in three age groups 0–66, 67–79, 80+, for small municipalities where 5-year groups are sparse.',
  },
};

interface Band {
  population: string;
  sex: 'M' | 'K';
  ageFrom: number;
  ageTo: number;
  persons: number;
}

const csvPath = join(dirname(fileURLToPath(import.meta.url)), 'reference', 'standard-populations.csv');

/** The reference file's bands; throws at start-up when the file is malformed (a broken standard must not serve figures). */
export function readStandardBands(text = readFileSync(csvPath, 'utf8')): Band[] {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  if (header !== 'population,sex,age_from,age_to,persons') throw new Error(`${csvPath}: unexpected header "${header}".`);
  return lines.map((line, index) => {
    const [population, sex, ageFrom, ageTo, persons] = line.split(',');
    const band = { population: population!, sex: sex as Band['sex'], ageFrom: Number(ageFrom), ageTo: Number(ageTo), persons: Number(persons) };
    const ok = /^[a-z0-9-]+$/.test(band.population) && (sex === 'M' || sex === 'K') && Number.isInteger(band.ageFrom) &&
      Number.isInteger(band.ageTo) && band.ageFrom >= 0 && band.ageTo <= 120 && band.ageFrom <= band.ageTo && band.persons > 0;
    if (!ok) throw new Error(`${csvPath} line ${index + 2} is not population,sex (M/K),age_from,age_to (0–120),persons (> 0): "${line}".`);
    return band;
  });
}

/** CREATE OR REPLACE VIEW standard_population_reference: one row per standard id, sex and age band. */
export function standardPopulationSql(bands: Band[] = readStandardBands()): string {
  const rows = standardPopulations.flatMap((id) => {
    const { population, strata } = standardDefinitions[id];
    const own = bands.filter((band) => band.population === population);
    if (own.length === 0) throw new Error(`${csvPath} has no rows for ${population} (standard ${id}).`);
    return own.map((b) => `('${id}', '${b.sex}', ${b.ageFrom}, ${b.ageTo}, ${b.persons}, '${strata}')`);
  });
  return `CREATE OR REPLACE VIEW standard_population_reference AS
SELECT * FROM (VALUES ${rows.join(', ')}) AS t(standard_id, sex, age_from, age_to, persons, strata);
COMMENT ON VIEW standard_population_reference IS 'The fixed standard populations (api/metrics/reference/standard-populations.csv) by standard id, sex and age band; strata = five-year or broad.';`;
}

/** The standard a query names, checked (the API validates too; the engine is called directly by tests and scripts). */
export function standardOf(requested: string | undefined): StandardPopulationId {
  const id = requested ?? defaultStandardPopulation;
  if (!(standardPopulations as readonly string[]).includes(id))
    throw new InvalidQueryError(`standard must be one of ${standardPopulations.join(', ')} (got "${String(id).slice(0, 40)}").`);
  return id as StandardPopulationId;
}
