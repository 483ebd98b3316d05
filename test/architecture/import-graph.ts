// Test support: the project's import graph — what entry points load at run time (esbuild), and every import a source file writes (TypeScript).
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** One import a module makes at run time: a project file (repo-relative path) or a bare package / built-in, as written. */
export interface RuntimeImport {
  to: string;
  external: boolean;
}

/** What each reached module imports at run time (type-only imports are erased, as they are when the code runs). */
export type RuntimeGraph = Map<string, RuntimeImport[]>;

/**
 * Bundles `entries` with esbuild (nothing written) and reads its metafile: every module each entry
 * reaches, with bare packages and Node built-ins left external but recorded.
 */
export async function runtimeImportGraph(entries: readonly string[]): Promise<RuntimeGraph> {
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [...entries],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'neutral',
    format: 'esm',
    packages: 'external',
    outdir: 'import-graph-out',
    logLevel: 'silent',
  });
  return new Map(
    Object.entries(result.metafile.inputs).map(([file, input]) => [file, input.imports.map((i) => ({ to: i.path, external: i.external === true }))]),
  );
}

/**
 * Every external import reachable from `entry` that `forbidden` names, each with the shortest import
 * chain leading to it: [entry, …, the importing module, the external import].
 */
export function forbiddenChains(graph: RuntimeGraph, entry: string, forbidden: (specifier: string) => boolean): string[][] {
  const parent = new Map<string, string | null>([[entry, null]]);
  const chainTo = (file: string): string[] => {
    const chain: string[] = [];
    for (let at: string | null | undefined = file; at; at = parent.get(at)) chain.unshift(at);
    return chain;
  };
  const found: string[][] = [];
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const { to, external } of graph.get(file) ?? []) {
      if (external) {
        if (forbidden(to)) found.push([...chainTo(file), to]);
      } else if (!parent.has(to)) {
        parent.set(to, file);
        queue.push(to);
      }
    }
  }
  return found;
}

/** The modules `entry` reaches at run time (itself included). */
export function reachedModules(graph: RuntimeGraph, entry: string): Set<string> {
  const reached = new Set([entry]);
  for (const file of reached) for (const { to, external } of graph.get(file) ?? []) if (!external) reached.add(to);
  return reached;
}

/** The file a relative specifier written in `file` names, as a repo-relative path; undefined for packages and built-ins. */
function resolveRelative(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(REPO_ROOT, dirname(file), specifier);
  const candidate = [`${base}.ts`, join(base, 'index.ts'), base].find((path) => statSync(path, { throwIfNoEntry: false })?.isFile());
  return relative(REPO_ROOT, candidate ?? `${base}.ts`);
}

/**
 * Every module `file` imports as written, type-only imports and re-exports included (a layering rule
 * is about what code knows of, not only what it loads): project files as repo-relative paths,
 * packages as written.
 */
export function writtenImports(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(REPO_ROOT, file), 'utf8'), true, true);
  return importedFiles.map(({ fileName }) => resolveRelative(file, fileName) ?? fileName);
}
