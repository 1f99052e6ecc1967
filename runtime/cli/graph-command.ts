import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { describeThrown } from '../../contracts/errors.js';
import type { AnyFlow } from '../../machines/define-flow.js';
import { flowGraph } from '../graph/flow-graph.js';
import { toMermaid } from '../graph/to-mermaid.js';
import { toSvg } from '../graph/to-svg.js';
import { CliError } from './exit-codes.js';
import type { CliIo } from './io.js';
import { loadRunTarget, pickFlow } from './load-flows.js';
import { statOf } from './stat-of.js';

/** Options of `baton graph`. */
export interface GraphCommandOptions {
  readonly module: string;
  readonly flow?: string | undefined;
  /** `mermaid`, `svg` or `json`, as typed. */
  readonly format?: string | undefined;
  /** A file, or a folder to write each flow's diagrams in. */
  readonly out?: string | undefined;
}

/** The formats `baton graph` writes, with the extension of each. */
const FORMATS = { mermaid: '.mmd', svg: '.svg', json: '.json' } as const;
/** A format `baton graph` writes. */
export type GraphFormat = keyof typeof FORMATS;

const BY_EXTENSION: Readonly<Record<string, GraphFormat>> = {
  '.mmd': 'mermaid',
  '.mermaid': 'mermaid',
  '.md': 'mermaid',
  '.svg': 'svg',
  '.json': 'json',
};

function readFormat(value: string): GraphFormat {
  if (Object.hasOwn(FORMATS, value)) return value as GraphFormat;
  throw new CliError(
    'usage',
    'invalid_argument',
    `--format "${value}" is not a diagram format. Pass mermaid, svg or json.`,
    { details: { format: value } },
  );
}

/** A flow's diagram in one format. */
export function renderGraph(flow: AnyFlow, format: GraphFormat): string {
  const graph = flowGraph(flow);
  if (format === 'svg') return toSvg(graph);
  if (format === 'json') return `${JSON.stringify(graph, null, 2)}\n`;
  return toMermaid(graph);
}

/** A path as the user reads it: relative to the current folder when it lies under it. */
function shownPath(path: string, cwd: string): string {
  const inside = relative(cwd, path);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

/** Writes a file, making its folder when missing; a failure is a misuse that names the path. */
export function writeOut(path: string, text: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (cause) {
    throw new CliError(
      'noInput',
      'invalid_argument',
      `Cannot write ${path}: ${describeThrown(cause)}. Pass --out <path> in a folder you can write to.`,
      { cause, details: { path } },
    );
  }
}

/**
 * `baton graph <module>`: the diagram of a flow as Mermaid (the default), SVG or JSON, printed or written
 * to `--out`. With `--out` naming a folder, every flow of the module is written there, as
 * `<flow>.mmd` and `<flow>.svg` unless `--format` picks one.
 */
export async function graphCommand(options: GraphCommandOptions, io: CliIo): Promise<number> {
  const format = options.format === undefined ? undefined : readFormat(options.format);
  if (options.out !== undefined && options.out.trim() === '')
    throw new CliError('usage', 'invalid_argument', '--out is empty. Pass the file or folder to write.');
  const out = options.out === undefined ? undefined : resolve(io.cwd, options.out);
  const toFolder =
    out !== undefined && (statOf(out)?.isDirectory() === true || /[\\/]$/.test(options.out ?? ''));
  const loaded = await loadRunTarget(options.module, io.cwd);
  if (out === undefined) {
    io.out(renderGraph(pickFlow(loaded, options.flow), format ?? 'mermaid').trimEnd());
    return 0;
  }
  if (!toFolder) {
    const chosen = format ?? BY_EXTENSION[extname(out).toLowerCase()];
    if (chosen === undefined) {
      throw new CliError(
        'usage',
        'invalid_argument',
        `--out ${options.out} has no extension that names a format. Pass --format mermaid, svg or json, or end the file name in .mmd, .svg or .json.`,
        { details: { out: options.out } },
      );
    }
    writeOut(out, renderGraph(pickFlow(loaded, options.flow), chosen));
    io.out(`wrote ${shownPath(out, io.cwd)}`);
    return 0;
  }
  const flows = options.flow === undefined ? loaded.flows : [pickFlow(loaded, options.flow)];
  const formats: GraphFormat[] = format === undefined ? ['mermaid', 'svg'] : [format];
  for (const flow of flows) {
    for (const each of formats) {
      const file = join(out, `${flow.id}${FORMATS[each]}`);
      writeOut(file, renderGraph(flow, each));
      io.out(`wrote ${shownPath(file, io.cwd)}`);
    }
  }
  return 0;
}
