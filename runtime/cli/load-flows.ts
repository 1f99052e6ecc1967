import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadSdk } from '../../agents/providers/provider-support.js';
import { describeThrown } from '../../contracts/errors.js';
import { type AnyFlow, isFlow } from '../../machines/define-flow.js';
import { CliError } from './exit-codes.js';
import { statOf } from './stat-of.js';

let tsLoader: Promise<void> | null = null;

/**
 * Registers tsx's loader once, so TypeScript flow modules import like JavaScript ones. tsx is an optional
 * peer: plain JavaScript modules need nothing, and a TypeScript module without it is `missing_dependency`
 * with the command that installs it.
 */
function registerTypeScript(): Promise<void> {
  tsLoader ??= loadSdk({
    name: 'tsx',
    load: () => import('tsx/esm/api'),
    neededBy: 'loading a TypeScript flow module',
    install: 'npm install --save-dev tsx (or compile the module to JavaScript)',
  }).then((api) => {
    api.register();
  });
  return tsLoader;
}

/** A loaded module's flows: the default export first, then the named exports that are flows. */
export interface LoadedModule {
  readonly path: string;
  readonly flows: readonly AnyFlow[];
  readonly exports: Readonly<Record<string, unknown>>;
}

/**
 * Imports a module (TypeScript or JavaScript) and returns its exports. Throws `invalid_flow_module` with
 * the fix when the file is missing or a folder, or when importing it throws.
 */
export async function importModule(file: string, cwd: string): Promise<Readonly<Record<string, unknown>>> {
  const path = resolve(cwd, file);
  const stat = statOf(path);
  if (!stat) {
    throw new CliError(
      'noInput',
      'invalid_flow_module',
      `No such file: ${path}. Pass the path of a module that exports a flow.`,
      { details: { path } },
    );
  }
  if (stat.isDirectory()) {
    throw new CliError(
      'noInput',
      'invalid_flow_module',
      `${path} is a folder. Pass the module file that exports the flow.`,
      { details: { path } },
    );
  }
  if (/\.(c|m)?tsx?$/.test(path)) await registerTypeScript();
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (cause) {
    const reason = describeThrown(cause);
    throw new CliError(
      'data',
      'invalid_flow_module',
      `Could not load ${path}: ${/[.!?]$/.test(reason) ? reason : `${reason}.`} Fix the error the module throws when it is imported.`,
      { cause, details: { path } },
    );
  }
}

/** The flows among a module's exports: the default export first, then the named ones. */
export function flowsIn(exports: Readonly<Record<string, unknown>>): AnyFlow[] {
  const flows: AnyFlow[] = [];
  if (isFlow(exports.default)) flows.push(exports.default);
  for (const [name, value] of Object.entries(exports)) {
    if (name !== 'default' && isFlow(value) && !flows.includes(value)) flows.push(value);
  }
  return flows;
}

/** Imports a flow module and finds its flows; throws `invalid_flow_module` with the fix when it has none. */
export async function loadFlowModule(file: string, cwd: string): Promise<LoadedModule> {
  const path = resolve(cwd, file);
  const exports = await importModule(path, cwd);
  const flows = flowsIn(exports);
  if (flows.length === 0) {
    throw new CliError(
      'data',
      'invalid_flow_module',
      `${path} exports no flow. Export the result of defineFlow (as default or by name).`,
      { details: { path, exports: Object.keys(exports) } },
    );
  }
  return { path, flows, exports };
}

/** Picks one flow from a module: the only one, or the one whose id is `id`. */
export function pickFlow(loaded: LoadedModule, id: string | undefined): AnyFlow {
  if (id !== undefined) {
    const flow = loaded.flows.find((f) => f.id === id);
    if (!flow) {
      throw new CliError(
        'usage',
        'invalid_flow_module',
        `${loaded.path} has no flow "${id}". It has: ${loaded.flows.map((f) => f.id).join(', ')}. Pick one of those with --flow <id>.`,
        { details: { path: loaded.path, flow: id } },
      );
    }
    return flow;
  }
  if (loaded.flows.length > 1 && !isFlow(loaded.exports.default)) {
    throw new CliError(
      'usage',
      'invalid_flow_module',
      `${loaded.path} exports several flows (${loaded.flows.map((f) => f.id).join(', ')}). Pick one with --flow <id>.`,
      { details: { path: loaded.path } },
    );
  }
  return loaded.flows[0]!;
}

/** The module files directly in a folder, `flow.*` first, then the rest by name. */
const MODULE = /\.(?:[cm]?ts|[cm]?js)$/;
function folderModules(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder, { withFileTypes: true })
      .filter(
        (e) => e.isFile() && MODULE.test(e.name) && !/\.d\.[cm]?ts$/.test(e.name) && !/\.test\./.test(e.name),
      )
      .map((e) => e.name);
  } catch (cause) {
    throw new CliError(
      'noInput',
      'invalid_flow_module',
      `Cannot read the folder ${folder}: ${describeThrown(cause)}.`,
      { cause, details: { path: folder } },
    );
  }
  const rank = (name: string) => (/^flow\.[cm]?[jt]s$/.test(name) ? 0 : 1);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).map((name) => join(folder, name));
}

/**
 * The flow module a `baton run` target names: the file itself, or for a folder the module in it that
 * exports flows (`flow.ts` or `flow.js` when it does; otherwise the one module that does, importing each
 * module directly in the folder, as `baton check` does). Several modules with different flows are a
 * misuse that names them.
 */
export async function loadRunTarget(target: string, cwd: string): Promise<LoadedModule> {
  const path = resolve(cwd, target);
  if (!statOf(path)?.isDirectory()) return await loadFlowModule(path, cwd);
  const found: LoadedModule[] = [];
  for (const file of folderModules(path)) {
    const exports = await importModule(file, cwd);
    const flows = flowsIn(exports);
    if (flows.length === 0) continue;
    const loaded = { path: file, flows, exports };
    if (/[\\/]flow\.[cm]?[jt]s$/.test(file)) return loaded;
    // A module that re-exports flows found before adds nothing.
    if (!found.some((f) => flows.every((flow) => f.flows.includes(flow)))) found.push(loaded);
  }
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    throw new CliError(
      'data',
      'invalid_flow_module',
      `No module in ${path} exports a flow. Export the result of defineFlow from ${join(path, 'flow.ts')}, or pass the module's path.`,
      { details: { path } },
    );
  }
  throw new CliError(
    'usage',
    'invalid_flow_module',
    `Several modules in ${path} export flows (${found.map((f) => f.path).join(', ')}). Pass the path of the one to run.`,
    { details: { path, modules: found.map((f) => f.path) } },
  );
}
