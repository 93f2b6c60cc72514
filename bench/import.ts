// bench/import: a 2-million-row hospital-stays extract imported by our importer (detect, stage,
// read_csv, validation, dedup, one transaction) side by side with DuckDB's own
// `CREATE TABLE AS SELECT * FROM read_csv(...)` on the same file, in one run, as a ratio of speeds.
// Target: ours ≥ 0.5 of the raw speed. A plain JavaScript parse of the same file is timed for contrast.
//   npx tsx bench/import.ts [--rows 2000000] [--rounds 2]   (best of the rounds is reported)
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openWarehouse } from '../pipeline/db.ts';
import { importFile } from '../pipeline/import.ts';
import { sqlString } from '../pipeline/sql-quote.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '2000000' }, rounds: { type: 'string', default: '2' } } });
const rowCount = Number(values.rows);
const folder = resolve('.tmp/bench');
mkdirSync(folder, { recursive: true });
const file = join(folder, `stays-${rowCount}.csv`);

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same file. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function writeExtract(path: string, rows: number): Promise<void> {
  const next = random(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const codes = ['4204', '4223', '4215', '4216', '4218', '1001', '1017', '1018', '0301', '4601', '5001', '3301', '0602'];
  const diagnoses = ['J44.1', 'J441', 'I50', 'J18.9', 'S72.0', 'N39.0', 'E86', 'K59.0', 'A09', 'I63.9', 'Z51'];
  const destinations = ['hjem', 'kommunal', 'sykehus', 'dod', 'annet'];
  const hospitals = ['SSHF Kristiansand', 'SSHF Arendal', 'SSHF Flekkefjord', 'OUS Ullevål'];
  const two = (n: number) => String(n).padStart(2, '0');
  const out = createWriteStream(path);
  out.write('opphold_id;pasient_id;kommunenr;alder;kjonn;innskrevet;utskrevet;hastegrad;hovedtilstand;behandlingssted;utskrivningsklar;utskrevet_til\n');
  for (let start = 0; start < rows; start += 10_000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(rows, start + 10_000); i++) {
      const year = 2019 + Math.floor(next() * 6);
      const month = 1 + Math.floor(next() * 12);
      const day = 1 + Math.floor(next() * 19);
      const hour = Math.floor(next() * 24);
      const outDay = day + 1 + Math.floor(next() * 9); // ≤ 28: every month has it
      const admitted = i % 3 === 0 ? `${two(day)}.${two(month)}.${year} ${two(hour)}:15` : `${year}-${two(month)}-${two(day)} ${two(hour)}:15`;
      const discharged = `${year}-${two(month)}-${two(outDay)} 12:00`;
      const ready = next() < 0.1 ? `${year}-${two(month)}-${two(outDay)} 08:00` : '';
      lines.push(
        `S${i};P${Math.floor(next() * rows * 0.6)};${pick(codes)};${Math.floor(next() * 100)};${next() < 0.5 ? 'K' : '2'};${admitted};${discharged};${next() < 0.7 ? '1' : '4'};${pick(diagnoses)};${pick(hospitals)};${ready};${pick(destinations)}`,
      );
    }
    if (!out.write(lines.join('\n') + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/**
 * The road not taken, at its cheapest: split each line in JavaScript (no quote handling), convert
 * the age and two dates, and keep the natural keys for the duplicate check. No database writes.
 */
async function parseInJavaScript(path: string): Promise<number> {
  let rows = -1;
  let checksum = 0;
  const keys = new Set<string>();
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    rows++;
    if (rows === 0) continue;
    const fields = line.split(';');
    const iso = (value: string) => (value[2] === '.' ? `${value.slice(6, 10)}-${value.slice(3, 5)}-${value.slice(0, 2)}${value.slice(10)}` : value);
    checksum += Number(fields[3]) + Date.parse(iso(fields[5]!)) / 1e12 + Date.parse(iso(fields[6]!)) / 1e12;
    keys.add(`${fields[9]}\u0000${fields[0]}`);
  }
  return checksum > 0 && keys.size > 0 ? rows : 0;
}

const seconds = (start: number) => (performance.now() - start) / 1000;
const perSecond = (rows: number, s: number) => `${(rows / s / 1e6).toFixed(2)} M rows/s`;

if (!existsSync(file)) {
  const t = performance.now();
  await writeExtract(file, rowCount);
  console.log(`generated ${file} (${(statSync(file).size / 1e6).toFixed(0)} MB) in ${seconds(t).toFixed(1)} s`);
}
const size = statSync(file).size;
await readFile(file); // warm the page cache so that every contender reads from memory

/** One round: a fresh database, raw CTAS, then our import of the same file. */
async function round(index: number): Promise<{ raw: number; ours: number }> {
  const dbPath = join(folder, `import-bench-${index}.duckdb`);
  for (const suffix of ['', '.wal']) rmSync(dbPath + suffix, { force: true });
  const warehouse = await openWarehouse(dbPath);
  try {
    const rawStart = performance.now();
    await warehouse.withConnection((c) => c.run(`CREATE TABLE raw_read AS SELECT * FROM read_csv(${sqlString(file)})`));
    const raw = seconds(rawStart);
    await warehouse.withConnection((c) => c.run('DROP TABLE raw_read'));

    const oursStart = performance.now();
    const result = await importFile(warehouse, file, { importedBy: 'bench' });
    const ours = seconds(oursStart);
    if (result.status !== 'imported' || result.rowsImported !== rowCount)
      throw new Error(`the import did not take every row: ${JSON.stringify({ ...result, errors: result.errors.slice(0, 5) })}`);
    // Stay S<i> is on line i + 2: the line numbers must survive the parallel read.
    const misnumbered = await warehouse.withConnection(async (c) =>
      Number((await c.runAndReadAll(`SELECT count(*) FROM hospital_stay WHERE source_line <> substr(stay_id, 2)::BIGINT + 2`)).getRows()[0]![0]),
    );
    if (misnumbered > 0) throw new Error(`${misnumbered} rows have a wrong source_line`);
    console.log(`  round ${index + 1}: raw ${raw.toFixed(2)} s, ours ${ours.toFixed(2)} s (ratio ${(raw / ours).toFixed(2)})`);
    return { raw, ours };
  } finally {
    warehouse.close();
    for (const suffix of ['', '.wal']) rmSync(dbPath + suffix, { force: true });
  }
}

// Best of N rounds, alternating the contenders: on a shared machine the minimum is the honest figure.
const rounds: { raw: number; ours: number }[] = [];
for (let i = 0; i < Number(values.rounds); i++) rounds.push(await round(i));
const raw = Math.min(...rounds.map((r) => r.raw));
const ours = Math.min(...rounds.map((r) => r.ours));

const jsStart = performance.now();
const jsRows = await parseInJavaScript(file);
const js = seconds(jsStart);

console.log(`\nbench/import — ${rowCount.toLocaleString('en')} stays, ${(size / 1e6).toFixed(0)} MB, 12 columns, best of ${rounds.length}`);
console.log(`  DuckDB CREATE TABLE AS read_csv (raw)   ${raw.toFixed(2)} s   ${perSecond(rowCount, raw)}`);
console.log(`  our importFile (validated, deduped)     ${ours.toFixed(2)} s   ${perSecond(rowCount, ours)}`);
console.log(`  JavaScript split + age/dates/keys only  ${js.toFixed(2)} s   ${perSecond(jsRows, js)}`);
console.log(`  ratio ours/raw speed: ${(raw / ours).toFixed(2)}  (target ≥ 0.50)  ${raw / ours >= 0.5 ? 'OK' : 'BELOW TARGET'}`);
console.log(`  ours vs that JavaScript loop: ${(js / ours).toFixed(2)}× its speed (it writes nothing and checks little)`);
