import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AnyFlow, isFlow } from '../../machines/define-flow.js';
import { CliError } from './exit-codes.js';
import { statOf } from './stat-of.js';

let tsLoader: Promise<void> | null = null;

/** Registers tsx's loader once, so TypeScript flow modules import like JavaScript ones. */
function registerTypeScript(): Promise<void> {
  tsLoader ??= import('tsx/esm/api').then((api) => {
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
      `${path} is a folder. Pass the module file that exports the flow (baton check searches folders; baton run does not).`,
      { details: { path } },
    );
  }
  if (/\.(c|m)?tsx?$/.test(path)) await registerTypeScript();
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
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
