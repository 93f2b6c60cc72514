// The metric SQL behind the catalogue (contract/metrics.ts declares every metric once): which files
// are installed, in which order, and the definition in words each file opens with. The definition
// shown to users is the opening comment of the metric's SQL file, read once here, so the words and the
// SQL cannot drift apart.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { declarationOf, metricCatalogue as declarations, type MetricId, type MetricInfo } from '../../contract/types.ts';

const here = dirname(fileURLToPath(import.meta.url));

export type { MetricDeclaration } from '../../contract/types.ts';

/** The catalogue's rules the metric SQL needs, as macros generated from contract/metrics.ts, so a rule
 *  such as readmissions' 30 days of follow-up is written once and the SQL and the web read the same. */
const catalogueSqlFile = 'catalogue (generated from contract/metrics.ts)';
const catalogueSql = `-- The metric catalogue's rules (contract/metrics.ts) as macros for the metric SQL.
-- nb: Reglene i metrikkatalogen (contract/metrics.ts) som makroer for metrikk-SQL-en.
CREATE OR REPLACE MACRO follow_up_days(metric) AS CASE metric ${declarations.map((d) => `WHEN '${d.id}' THEN ${d.followUpDays}`).join(' ')} END;
COMMENT ON MACRO follow_up_days IS 'follow_up_days(metric): days after a discharge (or a month''s end) before the metric''s figures are final.';
`;

/** Building blocks first: later files use the views and macros of earlier ones. */
export const sqlFiles: readonly string[] = [
  catalogueSqlFile,
  'data-through.sql',
  'population.sql',
  'diagnosis-groups.sql',
  'episodes.sql',
  ...declarations.map((metric) => metric.sql.file),
];

const sqlText = new Map<string, string>(
  sqlFiles.map((file) => [file, file === catalogueSqlFile ? catalogueSql : readFileSync(join(here, file), 'utf8')]),
);

export function sqlOf(file: string): string {
  const text = sqlText.get(file);
  if (text === undefined) throw new Error(`No metric SQL file ${file}`);
  return text;
}

/** The opening `--` comment of a SQL file as one paragraph: the English part, or (lang nb) the
 *  bokmål part that follows a line beginning `nb:`. Files without a bokmål part give English for both. */
export function openingComment(sql: string, lang: 'en' | 'nb' = 'en'): string {
  const parts: Record<'en' | 'nb', string[]> = { en: [], nb: [] };
  let part: 'en' | 'nb' = 'en';
  for (const line of sql.split(/\r?\n/)) {
    if (!line.startsWith('--')) break;
    let text = line.replace(/^--\s?/, '').trim();
    if (text.startsWith('nb:')) [part, text] = ['nb', text.slice(3)];
    parts[part].push(text);
  }
  const paragraph = (lines: string[]) => lines.join(' ').replace(/\s+/g, ' ').trim();
  return paragraph(parts[lang]) || paragraph(parts.en);
}

/** What GET /api/metrics serves: each catalogue entry without its SQL location, with its definition. */
export const metricCatalogue: MetricInfo[] = declarations.map(({ sql, ...declaration }) => ({
  ...declaration,
  definition: { en: openingComment(sqlOf(sql.file), 'en'), nb: openingComment(sqlOf(sql.file), 'nb') },
}));

/** The exact SQL behind a metric (for the workbench documentation). */
export function metricSql(id: MetricId): string {
  const declaration = declarationOf(id);
  if (!declaration) throw new Error(`Unknown metric ${id}`);
  return sqlOf(declaration.sql.file);
}

export interface AnalystObject {
  name: string;
  kind: 'view' | 'table_macro' | 'macro' | 'table';
  file: string;
  /** The file's opening comment: what the object's metric or building block means. */
  definition: string;
}

/** Every view and macro the metric SQL installs, for the SQL workbench's allow-list and docs. */
export const analystObjects: AnalystObject[] = sqlFiles.flatMap((file) => {
  const text = sqlOf(file);
  const definition = openingComment(text);
  return [...text.matchAll(/CREATE (?:OR REPLACE )?(VIEW|MACRO|TABLE IF NOT EXISTS) (\w+)\s*(?:\([^)]*\))?\s*AS\s+(TABLE)?/g)].map((m) => ({
    name: m[2]!,
    kind: m[1] === 'VIEW' ? ('view' as const) : m[1] !== 'MACRO' ? ('table' as const) : m[3] ? ('table_macro' as const) : ('macro' as const),
    file,
    definition,
  }));
});
