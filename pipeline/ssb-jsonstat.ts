// JSON-stat 2.0 as SSB's PxWebApi returns it (version, class "dataset", id, size, dimension with
// category.index/label, value in row-major order, role), read with jsonstat-toolkit: the toolkit
// normalises index (array or object), labels, roles and a sparse value object; the cube's shape is
// checked here (size against the categories and the values) before any value is read. Values are
// then walked in row-major order with an odometer, never materialised as rows.
import JSONstat, { type JsonStatDataset } from 'jsonstat-toolkit';
import type { ImportError } from '../contract/types.ts';
import { roleOfName, type DimensionRole, type Read, type SsbDimension, type SsbTable } from './ssb-table.ts';

/** The JSON text's first character (after a BOM and white space) opens an object. */
export function looksLikeJson(text: string): boolean {
  return /^\uFEFF?\s*\{/.test(text);
}

export function readJsonStat(text: string): Read<SsbTable> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const line = position ? lineAt(text, Number(position[1])) : null;
    return fail(line, null, `the file is not valid JSON: ${message}`);
  }
  const raw = parsed as { version?: unknown; class?: unknown; id?: unknown; size?: unknown; value?: unknown };
  if (raw.class !== 'dataset' || !Array.isArray(raw.id) || !Array.isArray(raw.size) || raw.value === undefined)
    return fail(lineOf(text, ['"class"']), 'class', 'not a JSON-stat 2.0 dataset (needs version "2.0", class "dataset", id, size, dimension and value; ask PxWebApi for format json-stat2)');
  if (raw.id.length !== raw.size.length)
    return fail(lineOf(text, ['"size"']), 'size', `size has ${raw.size.length} entries but id names ${raw.id.length} dimensions`);
  // A dense value array is walked as it is: the toolkit would copy it entry by entry (6 s and 850 MB on a
  // national table, bench/ssb.ts) to learn what it already is. A sparse value object is the toolkit's to normalise.
  const dense = Array.isArray(raw.value) ? (raw.value as unknown[]) : null;
  const dataset: JsonStatDataset = JSONstat(dense ? { ...(parsed as object), value: [] } : (parsed as object));
  const values: readonly unknown[] = dense ?? dataset.value;
  const shape = checkShape(text, dataset, values.length);
  if (shape.length > 0) return { ok: false, errors: shape };
  return recognise(text, dataset, values);
}

/** Each dimension's size against its categories, and the number of values against the product of the sizes. */
function checkShape(text: string, dataset: JsonStatDataset, valueCount: number): ImportError[] {
  const errors: ImportError[] = [];
  dataset.id.forEach((id, i) => {
    const dimension = dataset.Dimension(i);
    const size = dataset.size[i]!;
    if (!dimension) errors.push({ line: lineOf(text, ['"dimension"']), column: id, message: `dimension "${id}" is named in id but missing from dimension` });
    else if (dimension.length !== size)
      errors.push({ line: lineOf(text, ['"size"']), column: id, message: `size gives ${size} categories for dimension "${id}", but it has ${dimension.length}` });
  });
  // The toolkit's n counts the values it was given, not the cells size promises.
  const cells = dataset.size.reduce((product, size) => product * size, 1);
  if (errors.length === 0 && valueCount !== cells)
    errors.push({
      line: lineOf(text, ['"value"']),
      column: 'value',
      message: `value has ${valueCount} entries, but size (${dataset.size.join(' × ')}) makes ${cells}: the file is cut short or not one table`,
    });
  return errors;
}

/** Which dimension is region, sex, age, year, contents or alternative; any other must have one category. */
function recognise(text: string, dataset: JsonStatDataset, values: readonly unknown[]): Read<SsbTable> {
  const roleLists = dataset.role ?? {};
  const dimensions: SsbDimension[] = [];
  const positions: number[] = [];
  const errors: ImportError[] = [];
  dataset.id.forEach((id, i) => {
    const role: DimensionRole | null =
      roleOfName(id) ??
      (roleLists.time?.includes(id) ? 'year' : roleLists.geo?.includes(id) ? 'region' : roleLists.metric?.includes(id) ? 'contents' : null);
    const dimension = dataset.Dimension(i)!;
    if (role === null) {
      if (dataset.size[i]! > 1)
        errors.push({ line: lineOf(text, ['"dimension"', `"${id}"`]), column: id, message: `dimension "${id}" has ${dataset.size[i]} categories; only region, sex (Kjonn), age (Alder), year (Tid) and the contents or projection alternative may have more than one` });
      return;
    }
    if (dimensions.some((d) => d.role === role)) {
      errors.push({ line: lineOf(text, ['"dimension"', `"${id}"`]), column: id, message: `dimension "${id}" is a second ${role} dimension` });
      return;
    }
    const categories = dimension.id.map((code) => ({
      code,
      label: dimension.Category(code)?.label ?? code,
      line: lineOf(text, ['"dimension"', `"${id}"`, '"index"', `"${code}"`]),
    }));
    dimensions.push({ id, role, categories });
    positions.push(i);
  });
  for (const role of ['region', 'sex', 'age', 'year'] as const)
    if (!dimensions.some((d) => d.role === role))
      errors.push({ line: lineOf(text, ['"id"']), column: 'id', message: `the table has no ${role} dimension (${role === 'sex' ? 'Kjonn' : role === 'age' ? 'Alder' : role === 'year' ? 'Tid' : 'Region'}); select it when downloading, by single categories` });
  if (errors.length > 0) return { ok: false, errors };
  const valueLine = lineOf(text, ['"value"']) ?? 1;
  const table: SsbTable = {
    format: 'json-stat',
    title: dataset.label ?? '',
    updated: dataset.updated,
    dimensions,
    cellCount: values.length,
    valueColumn: 'value',
    forEachCell(visit) {
      const sizes = dataset.size;
      const counter = new Int32Array(sizes.length);
      const categories = new Int32Array(positions.length);
      for (let p = 0; p < values.length; p++) {
        for (let d = 0; d < positions.length; d++) categories[d] = counter[positions[d]!]!;
        const v = values[p];
        visit(categories, v === null || v === undefined ? null : typeof v === 'number' ? v : Number.NaN, valueLine, p + 1);
        // Row-major: the last dimension turns fastest.
        for (let d = sizes.length - 1; d >= 0; d--) {
          if (++counter[d]! < sizes[d]!) break;
          counter[d] = 0;
        }
      }
    },
  };
  return { ok: true, value: table };
}

function fail(line: number | null, column: string | null, message: string): Read<SsbTable> {
  return { ok: false, errors: [{ line, column, message }] };
}

/** Line of the last of `tokens`, each searched after the one before (a key inside its parent). */
function lineOf(text: string, tokens: string[]): number | null {
  let at = 0;
  for (const token of tokens) {
    const found = text.indexOf(token, at);
    if (found < 0) return null;
    at = found + token.length;
  }
  return lineAt(text, at);
}

function lineAt(text: string, position: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < position; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
