// The projections page's arithmetic on GET /api/projections/:metric answers (contract/projections.ts):
// which places to ask for, the seed-style table "2025 → 2030 → 2040 (+x %)", the fan of low/main/high
// and the beds-needed sentence. Pure functions, tested in tests/web/projections.test.ts; the page and
// the charts only draw what these return.
import { projectableMetrics as projected, type ProjectionResponse, type ProjectionRow, type RateSource } from '../../../contract/projections.ts';
import type { Collaboration, MetricInfo } from '../../../contract/types.ts';
import type { CsvCell } from './csv.ts';
import { formatChange, formatNumber, formatPercent, type Lang } from './format.ts';
import { translate, type MessageKey } from './i18n/index.ts';
import type { ProjectionAlternative } from './url-state.ts';

const main: ProjectionAlternative = 'MMMM';

/** The metrics the server projects (api/projections/engine.ts: counts of residents' use; a mean, a
 *  share of stays or a unit's occupancy is not projected), in the catalogue's order. */
export const projectedMetricIds: readonly string[] = projected;
export function projectableMetrics(catalogue: readonly MetricInfo[]): MetricInfo[] {
  return catalogue.filter((metric) => projectedMetricIds.includes(metric.id) && !metric.perUnit);
}

/** The "today" row's year: the base period's last year with registered population, which the server
 *  answers as the first year of every place's rows (it may lie before the base period's last year). */
export function baseYearOf(data: ProjectionResponse): number {
  return data.rows.reduce((first, row) => Math.min(first, row.year), data.base.to);
}

/** A collaboration is asked for as itself and each member (a table row per municipality); a municipality alone. */
export function placesToProject(place: string, collaborations: readonly Collaboration[]): string[] {
  const collaboration = collaborations.find((c) => c.id === place);
  return collaboration ? [collaboration.id, ...collaboration.municipalities] : [place];
}

/** Whether a projection is imported and answered anything; otherwise the page says how to import one. */
export function hasProjection(data: ProjectionResponse): boolean {
  return data.vintage !== null && data.rows.length > 0;
}

/** Change from the base value in per cent (100 → 112 is 12); null when the base is 0 or a value missing. */
export function changePercent(base: number | null | undefined, value: number | null | undefined): number | null {
  if (base === null || base === undefined || value === null || value === undefined || base === 0) return null;
  return ((value - base) / base) * 100;
}

/** The years a table shows, like the seed's tables: the base year, then every tenth year (2030, 2040 …);
 *  every projection year when the projection reaches no round decade. */
export function milestoneYears(years: readonly number[], baseYear: number): number[] {
  const later = [...new Set(years)].filter((year) => year > baseYear).sort((a, b) => a - b);
  const decades = later.filter((year) => year % 10 === 0);
  return [baseYear, ...(decades.length > 0 ? decades : later)];
}

/** The main alternative when shown, else the first shown: the one sentences and the scenario line use. */
export function leadingAlternative(shown: readonly string[]): string {
  return shown.includes(main) ? main : (shown[0] ?? main);
}

type Quantity =
  | 'population'
  | 'demography'
  | 'withChange'
  | 'indexEpisodes'
  | 'indexEpisodesWithChange'
  | 'patients'
  | 'patientsWithChange'
  | 'bedsDemography'
  | 'bedsWithChange'
  | 'costNok'
  | 'costWithChangeNok';

function quantityOf(row: ProjectionRow, quantity: Quantity): number | null {
  return row[quantity] ?? null;
}

/** A place's value in a year and alternative. The base year is registered population, the same in every
 *  alternative, so a base row answered once (under any alternative) serves them all. */
export function valueAt(rows: readonly ProjectionRow[], place: string, alternative: string, year: number, quantity: Quantity, baseYear: number): number | null {
  const own = rows.find((r) => r.municipality === place && r.year === year && r.alternative === alternative);
  const row = own ?? (year === baseYear ? rows.find((r) => r.municipality === place && r.year === year) : undefined);
  return row ? quantityOf(row, quantity) : null;
}

export interface TableCell {
  text: string;
  csv: CsvCell;
}

const rateSourceKey: Record<RateSource, MessageKey | null> = {
  own: null,
  collaboration: 'projections.rates.collaboration',
  all: 'projections.rates.all',
};

export function alternativeName(code: string, lang: Lang): string {
  const known = (['MMMM', 'LLML', 'HHMH'] as const).find((c) => c === code);
  return known ? translate(lang, `projections.alt.${known}`) : code;
}

/** The quantities a table shows for an answer: expected use, with the scenario when there is one,
 *  beds for metrics in nights, cost when a daily rate is known; population first, as in the seed. */
export function quantitiesOf(data: ProjectionResponse): Quantity[] {
  const scenario = data.changePercentPerYear !== 0;
  const nights = data.measure === 'nights';
  return [
    'population',
    'demography',
    ...(scenario ? (['withChange'] as const) : []),
    ...(nights ? (['bedsDemography'] as const) : []),
    ...(nights && scenario ? (['bedsWithChange'] as const) : []),
    ...(data.rows.some((r) => r.indexEpisodes != null) ? (['indexEpisodes'] as const) : []),
    ...(scenario && data.rows.some((r) => r.indexEpisodesWithChange != null) ? (['indexEpisodesWithChange'] as const) : []),
    ...(data.rows.some((r) => r.patients != null) ? (['patients'] as const) : []),
    ...(scenario && data.rows.some((r) => r.patientsWithChange != null) ? (['patientsWithChange'] as const) : []),
    ...(data.rows.some((r) => r.costNok != null) ? (['costNok'] as const) : []),
    ...(scenario && data.rows.some((r) => r.costWithChangeNok != null) ? (['costWithChangeNok'] as const) : []),
  ];
}

const quantityLabel: Record<Quantity, MessageKey> = {
  population: 'projections.q.population',
  demography: 'projections.q.demography',
  withChange: 'projections.q.withChange',
  bedsDemography: 'projections.q.bedsDemography',
  bedsWithChange: 'projections.q.bedsWithChange',
  indexEpisodes: 'projections.q.indexEpisodes',
  indexEpisodesWithChange: 'projections.q.indexEpisodesWithChange',
  patients: 'projections.q.patients',
  patientsWithChange: 'projections.q.patientsWithChange',
  costNok: 'projections.q.cost',
  costWithChangeNok: 'projections.q.costWithChange',
};
const decimalsOf = (quantity: Quantity) => (quantity === 'bedsDemography' || quantity === 'bedsWithChange' ? 1 : 0);

export interface ProjectionTable {
  header: string[];
  rows: TableCell[][];
  /** Any figure in the table is computed from protected figures (marked *). */
  anyProtected: boolean;
}

/**
 * One row per place × alternative shown × quantity: base year, each milestone year, and the change
 * from the base year to the last one. A protected figure is marked * on screen; the CSV carries the
 * number. The rate source is said in words when it is not the place's own.
 */
export function projectionTable(
  data: ProjectionResponse,
  places: readonly string[],
  shown: readonly string[],
  lang: Lang,
  name: (code: string) => string,
): ProjectionTable {
  const t = (key: MessageKey, values?: Record<string, string | number>) => translate(lang, key, values);
  const baseYear = baseYearOf(data);
  const years = milestoneYears(data.rows.map((r) => r.year), baseYear);
  const last = years[years.length - 1]!;
  const change = { percent: formatNumber(data.changePercentPerYear, lang, 1) };
  const header = [
    t('table.municipality'),
    t('projections.alternative'),
    t('projections.quantity'),
    t('projections.rates'),
    ...years.map(String),
    t('projections.changeFrom', { from: baseYear, to: last }),
  ];
  const alternatives = shown.filter((alt) => data.rows.some((r) => r.alternative === alt));
  const rows: TableCell[][] = [];
  let anyProtected = false;
  for (const place of places) {
    const placeRows = data.rows.filter((r) => r.municipality === place);
    if (placeRows.length === 0) continue;
    const source = placeRows.find((r) => r.rateSource !== 'own')?.rateSource ?? 'own';
    const sourceKey = rateSourceKey[source];
    const sourceText = sourceKey ? t(sourceKey) : '';
    const isProtected = placeRows.some((r) => r.protected);
    anyProtected ||= isProtected;
    // Municipalities by number and name, as SSB writes them ("4204 Kristiansand"); a collaboration by its name.
    const label = /^\d{4}$/.test(place) ? `${place} ${name(place)}`.trim() : name(place);
    for (const alternative of alternatives) {
      for (const quantity of quantitiesOf(data)) {
        const values = years.map((year) => valueAt(data.rows, place, alternative, year, quantity, baseYear));
        const percent = changePercent(values[0], values[values.length - 1]);
        rows.push([
          { text: label, csv: label },
          { text: alternativeName(alternative, lang), csv: alternative },
          { text: t(quantityLabel[quantity], change), csv: t(quantityLabel[quantity], change) },
          { text: sourceText, csv: sourceText },
          ...values.map((value) => numberCell(value, decimalsOf(quantity), isProtected, lang)),
          percent === null
            ? { text: '–', csv: null }
            : { text: formatChange(values[values.length - 1]!, values[0]!, 'per-1000-per-year', lang), csv: Math.round(percent * 10) / 10 },
        ]);
      }
    }
  }
  return { header, rows, anyProtected };
}

function numberCell(value: number | null, decimals: number, isProtected: boolean, lang: Lang): TableCell {
  if (value === null) return { text: '–', csv: null };
  const text = formatNumber(value, lang, decimals);
  return { text: isProtected ? `${text}*` : text, csv: Math.round(value * 10) / 10 };
}

export interface FanData {
  years: number[];
  /** Lines: the main alternative, the scenario (dashed), a low or high alternative shown without its partner. */
  lines: { name: string; values: (number | null)[]; dashed?: boolean }[];
  /** The band between low and high (lower and upper edge per year), when both are shown. */
  band: { name: string; lower: (number | null)[]; upper: (number | null)[] } | null;
}

/** The fan for one place over every year of the answer: expected events or nights, or beds needed. */
export function fanSeries(data: ProjectionResponse, place: string, shown: readonly string[], measure: 'use' | 'beds', lang: Lang): FanData {
  const baseYear = baseYearOf(data);
  const years = [...new Set(data.rows.filter((r) => r.municipality === place && r.year >= baseYear).map((r) => r.year))].sort((a, b) => a - b);
  const [alone, scenario]: Quantity[] = measure === 'beds' ? ['bedsDemography', 'bedsWithChange'] : ['demography', 'withChange'];
  const series = (alternative: string, quantity: Quantity) => years.map((year) => valueAt(data.rows, place, alternative, year, quantity, baseYear));
  const lines: FanData['lines'] = [];
  if (shown.includes(main)) lines.push({ name: alternativeName(main, lang), values: series(main, alone!) });
  const lead = leadingAlternative(shown);
  if (data.changePercentPerYear !== 0)
    lines.push({
      name: translate(lang, 'projections.fan.withChange', { percent: formatNumber(data.changePercentPerYear, lang, 1), alternative: alternativeName(lead, lang) }),
      values: series(lead, scenario!),
      dashed: true,
    });
  const low = shown.includes('LLML') ? series('LLML', alone!) : null;
  const high = shown.includes('HHMH') ? series('HHMH', alone!) : null;
  let band: FanData['band'] = null;
  if (low && high) {
    // The low alternative need not stay below the high one in every age range: the band spans both.
    const edge = (pick: (a: number, b: number) => number) => low.map((l, i) => (l === null || high[i] === null ? null : pick(l, high[i]!)));
    band = { name: translate(lang, 'projections.fan.band'), lower: edge(Math.min), upper: edge(Math.max) };
  } else {
    if (low) lines.push({ name: alternativeName('LLML', lang), values: low, dashed: true });
    if (high) lines.push({ name: alternativeName('HHMH', lang), values: high, dashed: true });
  }
  return { years, lines, band };
}

/** Beds are whole: 13,2 beds' worth of nights at the target occupancy needs 14 beds (a float's last
 *  digit above 14 is not a 15th bed). */
export const wholeBeds = (beds: number) => Math.max(0, Math.ceil(beds - 1e-9));

/** "At 85 % occupancy: today 14 beds; 2030: 17; 2040: 21" for a place (metrics in nights), with the
 *  scenario's beds after it when there is one; null when the answer has no beds. */
export function bedsSentence(data: ProjectionResponse, place: string, shown: readonly string[], lang: Lang): string | null {
  if (data.measure !== 'nights') return null;
  const baseYear = baseYearOf(data);
  const years = milestoneYears(data.rows.filter((r) => r.municipality === place).map((r) => r.year), baseYear);
  const lead = leadingAlternative(shown);
  const list = (quantity: Quantity) => {
    const beds = years.map((year) => valueAt(data.rows, place, lead, year, quantity, baseYear));
    if (beds.every((b) => b === null)) return null;
    return beds
      .map((b, i) => (i === 0 ? translate(lang, 'projections.beds.today', { beds: b === null ? '–' : formatNumber(wholeBeds(b), lang) }) : `${years[i]}: ${b === null ? '–' : formatNumber(wholeBeds(b), lang)}`))
      .join('; ');
  };
  const alone = list('bedsDemography');
  if (alone === null) return null;
  const occupancy = formatPercent(data.occupancyPercent, lang, 0);
  const sentence = translate(lang, 'projections.beds.sentence', { occupancy, beds: alone });
  const scenario = data.changePercentPerYear !== 0 ? list('bedsWithChange') : null;
  return scenario === null
    ? sentence
    : `${sentence} ${translate(lang, 'projections.beds.withChange', { percent: formatNumber(data.changePercentPerYear, lang, 1), beds: scenario })}`;
}

/** The seed's line for one series: "2025: 1 000 → 2030: 1 120 → 2040: 1 250 (+25,0 %)" (the change from
 *  the first year to the last). */
export function trajectoryText(years: readonly number[], values: readonly (number | null)[], lang: Lang, decimals = 0): string {
  const steps = years.map((year, i) => `${year}: ${values[i] === null || values[i] === undefined ? '–' : formatNumber(values[i]!, lang, decimals)}`);
  const first = values[0] ?? null;
  const last = values[values.length - 1] ?? null;
  const percent = changePercent(first, last);
  return percent === null ? steps.join(' → ') : `${steps.join(' → ')} (${formatChange(last!, first!, 'per-1000-per-year', lang)})`;
}

/** Demography alone and demography with the scenario's change, side by side, for a place (the leading
 *  alternative, milestone years); one entry when there is no scenario. */
export function scenarioSummary(data: ProjectionResponse, place: string, shown: readonly string[], lang: Lang): { label: string; text: string }[] {
  const baseYear = baseYearOf(data);
  const years = milestoneYears(data.rows.filter((r) => r.municipality === place).map((r) => r.year), baseYear);
  const lead = leadingAlternative(shown);
  const line = (quantity: Quantity) => trajectoryText(years, years.map((year) => valueAt(data.rows, place, lead, year, quantity, baseYear)), lang);
  const percent = formatNumber(data.changePercentPerYear, lang, 1);
  return [
    { label: translate(lang, 'projections.q.demography'), text: line('demography') },
    ...(data.changePercentPerYear !== 0 ? [{ label: translate(lang, 'projections.q.withChange', { percent }), text: line('withChange') }] : []),
    // A diagnosis group's patients (the seed's "people with diabetes 625 → 1 048"), beside the events.
    ...(data.rows.some((r) => r.patients != null) ? [{ label: translate(lang, 'projections.q.patients'), text: line('patients') }] : []),
    ...(data.changePercentPerYear !== 0 && data.rows.some((r) => r.patientsWithChange != null)
      ? [{ label: translate(lang, 'projections.q.patientsWithChange', { percent }), text: line('patientsWithChange') }]
      : []),
  ];
}
