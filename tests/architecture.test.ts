// Specification: the layers point down. contract/ (the types shared by everyone) imports nothing; the
// pipeline imports neither the API nor the web; the web reaches the API's types only through contract/;
// a route maps HTTP to calls and imports no other file of api/routes/. Checked on the text of our own
// import statements (static, re-exports, side-effect and dynamic imports), resolved to the repository.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The web's aliases (web/svelte.config.js), SvelteKit's own, and the retired $api (so bringing it back is caught).
const aliases: Record<string, string> = { $contract: 'contract', $api: 'api', $lib: 'web/src/lib' };

function sourceFiles(folder: string, extensions = ['.ts']): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => extensions.some((extension) => name.endsWith(extension)))
    .map((name) => join(folder, name));
}

/** Every module a file imports, as a path relative to the repository (packages stay as written). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((match) => match[1]!);
  return specifiers.map((specifier) => {
    if (specifier.startsWith('.')) return relative(root, resolve(root, dirname(file), specifier)).split(sep).join('/');
    const alias = Object.keys(aliases).find((name) => specifier === name || specifier.startsWith(`${name}/`));
    return alias ? aliases[alias] + specifier.slice(alias.length) : specifier;
  });
}

/** `file imports target` for every import of `files` into one of `folders`. */
function importsInto(files: string[], folders: string[]): string[] {
  return files.flatMap((file) =>
    importsOf(file)
      .filter((target) => folders.some((folder) => target === folder || target.startsWith(`${folder}/`)))
      .map((target) => `${file} imports ${target}`),
  );
}

describe('layers', () => {
  it('reads the import statements it checks', () => {
    // Guards the checks below against passing because nothing was read: known imports of each kind.
    expect(importsOf('pipeline/cli.ts')).toEqual(expect.arrayContaining(['pipeline/handoff-client.ts', 'contract/types.ts', 'pipeline/cli-arguments.ts']));
    expect(importsOf('pipeline/cli-arguments.ts')).toContain('node:fs');
    expect(importsOf('api/server.ts')).toEqual(expect.arrayContaining(['api/threadpool.ts', 'pipeline/handoff-client.ts']));
    expect(importsOf('api/routes/metrics.ts')).toContain('api/metrics/answer.ts');
    expect(importsOf('web/src/lib/api.ts')).toContain('contract/types.ts');
  });

  it('contract/ imports nothing outside itself: pipeline, API and browser can all load it', () => {
    const outside = (target: string) => !target.startsWith('contract/');
    expect(sourceFiles('contract').flatMap((file) => importsOf(file).filter(outside).map((target) => `${file} imports ${target}`))).toEqual([]);
  });

  it('no file in pipeline/ imports from api/ or web/', () => {
    const files = sourceFiles('pipeline');
    expect(files).toContain('pipeline/cli.ts');
    expect(importsInto(files, ['api', 'web'])).toEqual([]);
  });

  it('the web reaches the API and the pipeline only over HTTP (shared types come from contract/)', () => {
    const files = sourceFiles('web/src', ['.ts', '.svelte']);
    expect(files).toContain('web/src/lib/api.ts');
    expect(importsInto(files, ['api', 'pipeline'])).toEqual([]);
  });

  it('no route imports another file of api/routes/', () => {
    const routes = sourceFiles('api/routes');
    expect(routes).toContain('api/routes/metrics.ts');
    expect(importsInto(routes, ['api/routes'])).toEqual([]);
  });
});
