import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BatonError } from '../../contracts/errors.js';
import { type AnyFlow, isFlow } from '../../machines/define-flow.js';

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

/** Imports a flow module (TypeScript or JavaScript) and finds its flows; throws `invalid_flow_module` with the fix. */
export async function loadFlowModule(file: string, cwd: string): Promise<LoadedModule> {
  const path = resolve(cwd, file);
  if (!existsSync(path)) {
    throw new BatonError(
      'invalid_flow_module',
      `No such file: ${path}. Pass the path of a module that exports a flow.`,
      { details: { path } },
    );
  }
  if (/\.(c|m)?tsx?$/.test(path)) await registerTypeScript();
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (cause) {
    throw new BatonError('invalid_flow_module', `Could not load ${path}: ${(cause as Error).message}`, {
      cause,
      details: { path },
    });
  }
  const flows: AnyFlow[] = [];
  if (isFlow(exports.default)) flows.push(exports.default);
  for (const [name, value] of Object.entries(exports)) {
    if (name !== 'default' && isFlow(value) && !flows.includes(value)) flows.push(value);
  }
  if (flows.length === 0) {
    throw new BatonError(
      'invalid_flow_module',
      `${path} exports no flow. Export the result of defineFlow (as default or by name).`,
      { details: { path } },
    );
  }
  return { path, flows, exports };
}

/** Picks one flow from a module: the only one, or the one whose id is `id`. */
export function pickFlow(loaded: LoadedModule, id: string | undefined): AnyFlow {
  if (id !== undefined) {
    const flow = loaded.flows.find((f) => f.id === id);
    if (!flow)
      throw new BatonError(
        'invalid_flow_module',
        `${loaded.path} has no flow "${id}". It has: ${loaded.flows.map((f) => f.id).join(', ')}.`,
      );
    return flow;
  }
  if (loaded.flows.length > 1 && !isFlow(loaded.exports.default)) {
    throw new BatonError(
      'invalid_flow_module',
      `${loaded.path} exports several flows (${loaded.flows.map((f) => f.id).join(', ')}). Pick one with --flow <id>.`,
    );
  }
  return loaded.flows[0]!;
}
