// bench/ssb: issue 13 §1's "stream or chunk so a national table loads in seconds". SSB's projection
// for every municipality (357 × 2 sexes × 106 ages 000 … 104, 105+ × MMMM/LLML/HHMH × 2025–2050 =
// 5.9 M values), the same numbers in three files: JSON-stat 2.0 as PxWebApi serves table 14288, and
// StatBank's CSV download in its long and wide layouts. Each is imported by our importFile (read, map
// every category, check every value, stage, one transaction) side by side, in one run, with DuckDB
// loading the same file bare (read_csv into a table; read_json unnesting `value`), as a ratio of speeds
// like bench/import.ts. A plain JSON.parse of the JSON-stat file is timed for contrast.
//   npx tsx bench/ssb.ts [--rounds 2]   (best of the rounds; files are written once to .tmp/bench/ssb/)
// Values are synthetic (fixtures/population.ts's pyramid on the national fixture's municipalities).
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { planPlaces } from '../fixtures/places.ts';
import { MAX_AGE, populationBySexAndAge } from '../fixtures/population.ts';
import { openWarehouse } from '../pipeline/db.ts';
import { importFile } from '../pipeline/import.ts';
import { sqlString } from '../pipeline/sql-quote.ts';

const { values: args } = parseArgs({ args: process.argv.slice(2).filter((a) => a !== '--'), options: { rounds: { type: 'string', default: '2' } } });
const roundCount = Number(args.rounds);
const folder = resolve('.tmp/bench/ssb');
const dbFolder = join(folder, 'db');
mkdirSync(dbFolder, { recursive: true });

// The cube, in PxWebApi's order Region, Kjonn, Alder, ContentsCode, Tid (the last turns fastest).
const title = '14288: Framskrevet folkemengde 1. januar, etter region, kjønn, alder, statistikkvariabel og år';
const areas = [...planPlaces('national').areas].sort((a, b) => a.current.localeCompare(b.current));
const sexes = [['1', 'Menn', 'M'], ['2', 'Kvinner', 'K']] as const;
const ages = Array.from({ length: 106 }, (_, age) => (age === 105 ? '105+' : String(age).padStart(3, '0')));
const ageLabel = (code: string) => (code === '105+' ? '105 år eller eldre' : `${Number(code)} år`);
const alternatives: [code: string, label: string, yearlyDrift: number][] = [
  ['MMMM', 'Hovedalternativet (MMMM)', 0],
  ['LLML', 'Lav nasjonal vekst (LLML)', -0.004],
  ['HHMH', 'Høy nasjonal vekst (HHMH)', 0.005],
];
const years = Array.from({ length: 26 }, (_, i) => 2025 + i);
const valueCount = areas.length * sexes.length * ages.length * alternatives.length * years.length;
/** How the pyramid's 100+ band spreads over 100 … 104 and 105+ (as fixtures/projection.ts spreads it). */
const oldestShares = [0.35, 0.25, 0.17, 0.11, 0.07, 0.05];

function cube(): Int32Array {
  const value = new Int32Array(valueCount);
  let p = 0;
  for (const area of areas)
    for (const [, , sex] of sexes) {
      const pyramids = years.map((year) => populationBySexAndAge(area.parts.reduce((sum, part) => sum + part.size(year), 0), year)[sex]);
      for (let age = 0; age < ages.length; age++)
        for (const [, , drift] of alternatives)
          years.forEach((year, y) => {
            const persons = age < MAX_AGE ? pyramids[y]![age]! : pyramids[y]![MAX_AGE]! * oldestShares[age - MAX_AGE]!;
            value[p++] = Math.round(persons * Math.pow(1 + drift, year - 2024));
          });
    }
  return value;
}

/** Writes through 1 MiB chunks to `path.partial`, renamed when whole, so a killed run leaves no half file. */
function writeFile(path: string, write: (put: (text: string) => void) => void): void {
  const file = openSync(`${path}.partial`, 'w');
  let chunk = '';
  write((text) => {
    chunk += text;
    if (chunk.length > 1 << 20) (writeSync(file, chunk), (chunk = ''));
  });
  writeSync(file, chunk);
  closeSync(file);
  renameSync(`${path}.partial`, path);
}

function writeJsonStat(path: string, value: Int32Array): void {
  const dimension = (label: string, codes: string[], labelOf: (code: string) => string) => ({
    label,
    category: { index: Object.fromEntries(codes.map((c, i) => [c, i])), label: Object.fromEntries(codes.map((c) => [c, labelOf(c)])) },
  });
  const names = new Map(areas.map((a) => [`K-${a.current}`, a.name]));
  const dataset = {
    version: '2.0',
    class: 'dataset',
    label: title,
    source: 'Statistisk sentralbyrå (syntetisk bench)',
    updated: '2024-06-18T06:00:00Z',
    id: ['Region', 'Kjonn', 'Alder', 'ContentsCode', 'Tid'],
    size: [areas.length, sexes.length, ages.length, alternatives.length, years.length],
    dimension: {
      Region: dimension('region', [...names.keys()], (c) => names.get(c)!),
      Kjonn: dimension('kjønn', ['1', '2'], (c) => (c === '1' ? 'Menn' : 'Kvinner')),
      Alder: dimension('alder', ages, ageLabel),
      ContentsCode: { label: 'statistikkvariabel', category: { index: Object.fromEntries(alternatives.map(([c], i) => [c, i])), label: Object.fromEntries(alternatives.map(([c, l]) => [c, l])), unit: Object.fromEntries(alternatives.map(([c]) => [c, { base: 'personer', decimals: 0 }])) } },
      Tid: dimension('år', years.map(String), (c) => c),
    },
    value: 'VALUES',
    role: { time: ['Tid'], geo: ['Region'], metric: ['ContentsCode'] },
    extension: { px: { tableid: '14288', decimals: 0, language: 'no', matrix: 'FolkFramK1' } },
  };
  const [before, after] = JSON.stringify(dataset).split('"VALUES"') as [string, string];
  writeFile(path, (put) => {
    put(`${before}[`);
    for (let p = 0; p < value.length; p++) put(p === 0 ? String(value[p]) : `,${value[p]}`);
    put(`]${after}\n`);
  });
}

/** StatBank's "semikolonseparert med overskrift": the title line, a blank line, quoted headers, CRLF. */
function writeStatBankCsv(path: string, value: Int32Array, layout: 'long' | 'wide'): void {
  const heading = layout === 'long' ? [`"statistikkvariabel";"år";"${title}"`] : alternatives.flatMap(([, label]) => years.map((year) => `"${label} ${year}"`));
  writeFile(path, (put) => {
    put(`"${title}"\r\n\r\n"region";"kjønn";"alder";${heading.join(';')}\r\n`);
    let p = 0;
    for (const area of areas)
      for (const [, sexLabel] of sexes)
        for (const age of ages) {
          const stub = `"${area.current} ${area.name}";"${sexLabel}";"${ageLabel(age)}";`;
          if (layout === 'wide') {
            put(`${stub}${value.subarray(p, (p += alternatives.length * years.length)).join(';')}\r\n`);
            continue;
          }
          for (const [, label] of alternatives) for (const year of years) put(`${stub}"${label}";"${year}";${value[p++]}\r\n`);
        }
  });
}

interface Contender {
  name: string;
  path: string;
  /** DuckDB alone loading the same file into a table, and the rows it must have. */
  bare: string;
  bareRows: number;
}

const files = {
  json: join(folder, 'framskriving_2024.json'),
  long: join(folder, 'framskriving_2024_lang.csv'),
  wide: join(folder, 'framskriving_2024_bred.csv'),
};
const seconds = (start: number) => (performance.now() - start) / 1000;
if (Object.values(files).some((path) => !existsSync(path))) {
  const started = performance.now();
  const value = cube();
  writeJsonStat(files.json, value);
  writeStatBankCsv(files.long, value, 'long');
  writeStatBankCsv(files.wide, value, 'wide');
  console.log(`generated ${Object.values(files).join(', ')} in ${seconds(started).toFixed(1)} s`);
}
const readCsv = (path: string) => `CREATE TABLE bare AS SELECT * FROM read_csv(${sqlString(path)}, skip = 2, header = true, delim = ';')`;
const contenders: Contender[] = [
  {
    name: 'JSON-stat 2.0 (PxWebApi)',
    path: files.json,
    bare: `CREATE TABLE bare AS SELECT unnest(value) AS v FROM read_json(${sqlString(files.json)}, columns = {value: 'DOUBLE[]'}, maximum_object_size = ${statSync(files.json).size + 1024})`,
    bareRows: valueCount,
  },
  { name: 'StatBank CSV, long', path: files.long, bare: readCsv(files.long), bareRows: valueCount },
  { name: 'StatBank CSV, wide', path: files.wide, bare: readCsv(files.wide), bareRows: valueCount / (alternatives.length * years.length) },
];

/** Reads a file once without keeping it, so that every contender reads from the page cache. */
async function warm(path: string): Promise<void> {
  for await (const _ of createReadStream(path, { highWaterMark: 1 << 22 }));
}
for (const c of contenders) await warm(c.path);

const megabytes = (bytes: number) => bytes / 1e6;
const memory = () => ({ rss: megabytes(process.memoryUsage().rss), peak: process.resourceUsage().maxRSS / 1e3 });
interface Timing {
  bare: number;
  ours: number;
  rssAfterOurs: number;
  peakAfterOurs: number;
}

/** One contender, one round: a fresh warehouse, DuckDB's bare load, then our import of the same file. */
async function round(contender: Contender, index: number): Promise<Timing> {
  const dbPath = join(dbFolder, `ssb-bench-${index}.duckdb`);
  const clean = () => [dbPath, `${dbPath}.wal`, join(dbFolder, 'imports')].forEach((p) => rmSync(p, { force: true, recursive: true }));
  clean();
  const warehouse = await openWarehouse(dbPath);
  try {
    const bareStart = performance.now();
    await warehouse.withConnection((c) => c.run(contender.bare));
    const bare = seconds(bareStart);
    const bareRows = await warehouse.withConnection(async (c) => Number((await c.runAndReadAll('SELECT count(*) FROM bare')).getRows()[0]![0]));
    if (bareRows !== contender.bareRows) throw new Error(`${contender.name}: DuckDB's bare load made ${bareRows} rows, not ${contender.bareRows}`);
    await warehouse.withConnection((c) => c.run('DROP TABLE bare'));

    const oursStart = performance.now();
    const result = await importFile(warehouse, contender.path, { importedBy: 'bench' });
    const ours = seconds(oursStart);
    if (result.status !== 'imported' || result.rowsImported !== valueCount)
      throw new Error(`${contender.name}: the import did not take every value (${valueCount}): ${JSON.stringify({ ...result, errors: result.errors.slice(0, 5) })}`);
    const { rss, peak } = memory();
    console.log(`  round ${index + 1}, ${contender.name}: bare ${bare.toFixed(2)} s, ours ${ours.toFixed(2)} s (speed ratio ${(bare / ours).toFixed(2)}), RSS ${rss.toFixed(0)} MB`);
    return { bare, ours, rssAfterOurs: rss, peakAfterOurs: peak };
  } finally {
    warehouse.close();
    clean();
  }
}

const timings = new Map<Contender, Timing[]>(contenders.map((c) => [c, []]));
// Rounds outermost, so that a busy moment on the shared machine does not fall on one contender's every round.
for (let i = 0; i < roundCount; i++) for (const c of contenders) timings.get(c)!.push(await round(c, i));

const parseTimes: number[] = [];
for (let i = 0; i < roundCount; i++) {
  const started = performance.now();
  const parsed = JSON.parse(await readFile(files.json, 'utf8')) as { value: number[] };
  parseTimes.push(seconds(started));
  if (parsed.value.length !== valueCount) throw new Error(`JSON.parse found ${parsed.value.length} values, not ${valueCount}`);
}
const parse = Math.min(...parseTimes);

const perSecond = (s: number) => `${(valueCount / s / 1e6).toFixed(2)} M values/s`;
console.log(
  `\nbench/ssb — ${areas.length} municipalities × 2 sexes × ${ages.length} ages × ${alternatives.length} alternatives × ${years.length} years` +
    ` = ${valueCount.toLocaleString('en')} values, best of ${roundCount}`,
);
console.log(`  ${'file'.padEnd(26)}${'MB'.padStart(7)}${'bare s'.padStart(9)}${'ours s'.padStart(9)}  ${'ours speed'.padEnd(18)}${'speed ours/bare'.padStart(16)}${'RSS after'.padStart(11)}${'peak RSS'.padStart(10)}`);
for (const c of contenders) {
  const runs = timings.get(c)!;
  const bare = Math.min(...runs.map((r) => r.bare));
  const ours = Math.min(...runs.map((r) => r.ours));
  const last = runs.at(-1)!;
  console.log(
    `  ${c.name.padEnd(26)}${megabytes(statSync(c.path).size).toFixed(0).padStart(7)}${bare.toFixed(2).padStart(9)}${ours.toFixed(2).padStart(9)}  ${perSecond(ours).padEnd(18)}` +
      `${(bare / ours).toFixed(2).padStart(16)}${`${last.rssAfterOurs.toFixed(0)} MB`.padStart(11)}${`${last.peakAfterOurs.toFixed(0)} MB`.padStart(10)}`,
  );
}
console.log(`  JSON.parse of the JSON-stat file alone (readFile + parse, nothing checked or written): ${parse.toFixed(2)} s`);
console.log('  bare = DuckDB CREATE TABLE AS read_csv(skip 2, ;) / read_json unnest(value) on the same file; speed ours/bare = bare s ÷ ours s.');
console.log('  RSS after = resident memory after our import; peak RSS = the process\'s high-water mark so far (contenders run in table order).');
