// The four extract kinds of shared/spec/extracts.md, and dognpris (the discharge-ready daily rates an
// admin maintains: pipeline/daily-rates.ts): their columns, English aliases and value types,
// and how a header is recognised as one of them. The validation SQL (validate.ts) is generated from
// these definitions, so a column's rule lives here once.
import type { ExtractKind } from '../contract/types.ts';

export type FieldType =
  | 'text'
  | 'datetime' // date or date-time, not in the future of the import
  | 'date' // date only (KAD unit periods; may lie in the future)
  | 'age' // integer 0–120
  | 'sex' // M/K or NPR 1/2
  | 'urgency' // akutt/planlagt or NPR 1/4/3
  | 'diagnosis' // ICD-10 (or ICPC-2 for KAD), normalised without the dot
  | 'municipality' // 4-digit code, mapped to the current code
  | 'municipality-list'
  | 'beds' // integer > 0
  | 'year'
  | 'age-band' // 67, 67-79 or 90+
  | 'count' // integer ≥ 0
  | 'service-area'
  | 'discharged-to'
  | 'rate-year' // four digits; a year's rate may be set before the year begins
  | 'nok'; // kroner > 0, decimal comma or point, spaces between thousands

export interface FieldDefinition {
  /** Canonical (Norwegian) column name, used in every message. */
  name: string;
  /** Other accepted header names (English alias from extracts.md, spellings with æøå). */
  aliases: string[];
  type: FieldType;
  /** The column must be in the header. */
  columnRequired: boolean;
  /** Every row must have a value. */
  valueRequired: boolean;
  /** Allowed codes for 'discharged-to' (canonical values). */
  codes?: string[];
}

/** Kinds read from our own CSV columns (framskriving comes only in SSB's formats: ssb-import.ts). */
export type CsvExtractKind = Exclude<ExtractKind, 'framskriving'>;

export interface KindDefinition {
  kind: CsvExtractKind;
  table: 'hospital_stay' | 'kad_stay' | 'kad_unit' | 'population' | 'discharge_ready_daily_rate';
  fields: FieldDefinition[];
  /** Canonical column names forming the natural key within one file (docs/decisions.md). */
  naturalKey: string[];
}

const field = (
  name: string,
  aliases: string[],
  type: FieldType,
  options: Partial<Pick<FieldDefinition, 'columnRequired' | 'valueRequired' | 'codes'>> = {},
): FieldDefinition => ({ name, aliases, type, columnRequired: true, valueRequired: true, ...options });

const stayId = field('opphold_id', ['stay_id'], 'text');
const patientId = field('pasient_id', ['patient_id'], 'text');
const municipality = field('kommunenr', ['municipality', 'kommune', 'kommunenummer'], 'municipality');
const age = field('alder', ['age'], 'age');
const sex = field('kjonn', ['sex', 'kjønn'], 'sex');
const admitted = field('innskrevet', ['admitted'], 'datetime');
const discharged = field('utskrevet', ['discharged'], 'datetime', { valueRequired: false });
const diagnosis = field('hovedtilstand', ['main_diagnosis'], 'diagnosis');
const unit = field('enhet', ['unit'], 'text');

export const kinds: KindDefinition[] = [
  {
    kind: 'sykehusopphold',
    table: 'hospital_stay',
    naturalKey: ['behandlingssted', 'opphold_id'],
    fields: [
      stayId,
      patientId,
      municipality,
      age,
      sex,
      admitted,
      discharged,
      field('hastegrad', ['urgency'], 'urgency'),
      diagnosis,
      field('behandlingssted', ['hospital'], 'text'),
      field('utskrivningsklar', ['ready_for_discharge'], 'datetime', { valueRequired: false }),
      field('utskrevet_til', ['discharged_to'], 'discharged-to', {
        valueRequired: false,
        codes: ['hjem', 'kommunal', 'sykehus', 'dod', 'annet'],
      }),
      field('tjenesteomrade', ['service_area', 'tjenesteområde'], 'service-area', { columnRequired: false, valueRequired: false }),
    ],
  },
  {
    kind: 'kad_opphold',
    table: 'kad_stay',
    naturalKey: ['enhet', 'opphold_id'],
    fields: [
      stayId,
      patientId,
      unit,
      municipality,
      age,
      sex,
      admitted,
      discharged,
      diagnosis,
      field('utskrevet_til', ['discharged_to'], 'discharged-to', {
        valueRequired: false,
        codes: ['hjem', 'sykehus', 'sykehjem', 'dod', 'annet'],
      }),
    ],
  },
  {
    kind: 'kad_enheter',
    table: 'kad_unit',
    naturalKey: ['enhet', 'gyldig_fra'],
    fields: [
      unit,
      field('navn', ['name'], 'text'),
      field('vertskommune', ['host_municipality'], 'municipality'),
      field('kommuner', ['municipalities'], 'municipality-list'),
      field('senger', ['beds'], 'beds'),
      field('gyldig_fra', ['valid_from'], 'date'),
      field('gyldig_til', ['valid_to'], 'date', { columnRequired: false, valueRequired: false }),
    ],
  },
  {
    kind: 'befolkning',
    table: 'population',
    naturalKey: ['kommunenr', 'aar', 'kjonn', 'alder'],
    fields: [
      municipality,
      field('aar', ['year', 'år'], 'year'),
      sex,
      field('alder', ['age'], 'age-band'),
      field('antall', ['count'], 'count'),
    ],
  },
  {
    kind: 'dognpris',
    table: 'discharge_ready_daily_rate',
    naturalKey: ['aar'],
    fields: [
      field('aar', ['year', 'år'], 'rate-year'),
      field('dognpris', ['døgnpris', 'sats', 'rate_nok', 'daily_rate'], 'nok'),
      field('kilde', ['source'], 'text', { columnRequired: false, valueRequired: false }),
    ],
  },
];

/** Header names compare case-insensitively with surrounding spaces (and stray quotes/BOM) ignored. */
export function normaliseHeaderName(name: string): string {
  return name.replace(/^\uFEFF/, '').trim().replace(/^"(.*)"$/, '$1').trim().toLowerCase();
}

export type KindMatch =
  | {
      ok: true;
      definition: KindDefinition;
      /** For each header position: the canonical field name, or null for an unknown column. */
      columns: (string | null)[];
      warnings: string[];
    }
  | { ok: false; message: string; closest: ExtractKind | null };

/** Recognises the kind of a file from its header names. */
export function matchKind(headerNames: string[]): KindMatch {
  const normalised = headerNames.map(normaliseHeaderName);
  const candidates = kinds.map((definition) => {
    const columns = normalised.map((name) => {
      const found = definition.fields.find((f) => f.name === name || f.aliases.includes(name));
      return found ? found.name : null;
    });
    const present = new Set(columns.filter((c): c is string => c !== null));
    const required = definition.fields.filter((f) => f.columnRequired);
    const missing = required.filter((f) => !present.has(f.name)).map((f) => f.name);
    return { definition, columns, missing, matched: present.size, required: required.length };
  });
  // Complete kinds first, the one explaining most columns wins (a hospital file has all KAD-stay
  // columns except enhet, so "complete" decides before "most columns").
  const complete = candidates.filter((c) => c.missing.length === 0).sort((a, b) => b.matched - a.matched);
  const best = complete[0];
  if (best) {
    const warnings: string[] = [];
    const seen = new Map<string, number>();
    best.columns.forEach((canonical, index) => {
      if (canonical === null) {
        warnings.push(`column "${headerNames[index]?.trim()}" is not part of ${best.definition.kind} and was ignored`);
      } else if (seen.has(canonical)) {
        warnings.push(`column "${headerNames[index]?.trim()}" repeats ${canonical} (column ${seen.get(canonical)! + 1}); the first was used`);
        best.columns[index] = null;
      } else seen.set(canonical, index);
    });
    return { ok: true, definition: best.definition, columns: best.columns, warnings };
  }
  const closest = [...candidates].sort((a, b) => b.matched / b.required - a.matched / a.required || a.missing.length - b.missing.length)[0];
  if (!closest || closest.matched === 0) {
    return {
      ok: false,
      closest: null,
      message: `the header (${normalised.slice(0, 6).join(', ')}${normalised.length > 6 ? ', …' : ''}) is not one of the known extract kinds (${kinds.map((k) => k.kind).join(', ')})`,
    };
  }
  return {
    ok: false,
    closest: closest.definition.kind,
    message: `not a known extract kind: closest is ${closest.definition.kind}, which needs the missing column${closest.missing.length > 1 ? 's' : ''} ${closest.missing.join(', ')}`,
  };
}
