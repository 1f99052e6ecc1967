import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Model } from '../../agents/model.js';
import { record } from '../../agents/providers/record.js';
import { runFlow } from '../run-flow.js';
import type { StoredRunResult } from '../run-result.js';
import { CliError } from './exit-codes.js';
import { formatEvent, formatResult } from './format-events.js';
import type { CliIo } from './io.js';
import { loadRunTarget, pickFlow } from './load-flows.js';
import { type ModelFlags, modelOption } from './model-option.js';
import { closing, openRunStore, type StoreFlags } from './open-store.js';
import { checkViewFlags, openRunView, type ViewFlags } from './run-view.js';
import { statOf } from './stat-of.js';

/** Exit codes of `baton run`, by the run's status. */
export const RUN_EXIT = { done: 0, failed: 1, escalated: 2, cancelled: 3, awaiting_human: 4 } as const;

/** Options of `baton run`. */
export interface RunCommandOptions extends ModelFlags, StoreFlags, ViewFlags {
  readonly module: string;
  readonly input?: string | undefined;
  readonly flow?: string | undefined;
  readonly json?: boolean | undefined;
  /** Write every model call of the run to this cassette. */
  readonly record?: string | undefined;
}

/** Whether a command-line value reads as JSON rather than as a file name: an object, array, string, number or literal. */
const LOOKS_LIKE_JSON = /^(?:[{["\d-]|true$|false$|null$)/;

/**
 * Reads `--input`: the path of a JSON file, or inline JSON. Throws `invalid_argument` naming what is
 * wrong: a folder, a file that cannot be read or is not JSON, a name of no file, or text that is not JSON.
 */
export function readInput(value: string, cwd: string): unknown {
  const text = value.trim();
  if (text === '') {
    throw new CliError('usage', 'invalid_argument', '--input is empty. Pass a JSON file or inline JSON.');
  }
  const path = resolve(cwd, text);
  const stat = statOf(path);
  if (stat?.isDirectory()) {
    throw new CliError(
      'noInput',
      'invalid_argument',
      `--input names a folder, ${path}. Pass a JSON file or inline JSON.`,
      { details: { path } },
    );
  }
  if (stat) {
    let content: string;
    try {
      content = readFileSync(path, 'utf8');
    } catch (cause) {
      throw new CliError(
        'noInput',
        'invalid_argument',
        `Cannot read the --input file ${path}: ${(cause as Error).message}.`,
        { cause, details: { path } },
      );
    }
    return parseJson(content, `The --input file ${path} is not valid JSON`, { path });
  }
  if (!LOOKS_LIKE_JSON.test(text)) {
    throw new CliError(
      'noInput',
      'invalid_argument',
      `--input names no file: ${path} does not exist, and "${text.length > 40 ? `${text.slice(0, 37)}...` : text}" is not JSON either. Pass a JSON file or inline JSON.`,
      { details: { path } },
    );
  }
  return parseJson(text, '--input is not valid JSON', {});
}

function parseJson(text: string, what: string, details: Record<string, unknown>): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new CliError(
      'data',
      'invalid_argument',
      `${what}: ${(cause as Error).message}. Fix the JSON, or pass the path of a JSON file.`,
      { cause, details },
    );
  }
}

/**
 * `baton run <module or folder> [--input …]`: runs a flow, kept in the run database unless `--no-store`,
 * prints each step and the result, returns the exit code.
 */
export async function runCommand(options: RunCommandOptions, io: CliIo): Promise<number> {
  // What the command line says is checked before the module is imported, which may take a while.
  checkViewFlags(options);
  const given = options.input !== undefined ? readInput(options.input, io.cwd) : undefined;
  const model = await modelOption(options, io);
  const cassette = options.record === undefined ? undefined : resolve(io.cwd, options.record);
  if (cassette !== undefined && statOf(cassette)?.isDirectory()) {
    throw new CliError(
      'usage',
      'invalid_argument',
      `--record names a folder, ${cassette}. Pass the path of the cassette file to write, e.g. ${cassette}/run.json.`,
      { details: { path: cassette } },
    );
  }
  const loaded = await loadRunTarget(options.module, io.cwd);
  const flow = pickFlow(loaded, options.flow);
  const input = given !== undefined ? given : loaded.exports.sampleInput;
  if (input === undefined) {
    throw new CliError(
      'usage',
      'invalid_argument',
      `No input: pass --input <file or JSON>, or export sampleInput from ${loaded.path}.`,
    );
  }
  const models = withRecording(model, flow.agents, cassette);
  const controller = new AbortController();
  io.onInterrupt(() => controller.abort(new Error('interrupted')));
  const opened = await openRunStore(options, io);
  const view = await openRunView(options, io);
  const result = await view.during(() =>
    closing(opened, () =>
      runFlow(flow, input, {
        signal: controller.signal,
        ...(models ? { models } : {}),
        ...(opened ? { store: opened.store } : {}),
        ...view.runOptions,
      }),
    ),
  );
  printResult(result, options, io);
  // The run's id goes to stderr with --json and --jsonl, so that stdout stays JSON.
  if (opened) {
    const line = `run ${result.runId} stored in ${opened.shown}`;
    if (options.json || options.jsonl) io.err(line);
    else io.out(line);
  }
  await view.hold();
  return RUN_EXIT[result.status];
}

/** What `baton run` and `baton resume` do with each event: print the steps a person follows, unless --json. */
export function printSteps(options: { readonly json?: boolean | undefined }, io: CliIo) {
  return (event: Parameters<typeof formatEvent>[0]): void => {
    if (options.json) return;
    const line = formatEvent(event);
    if (line !== null) io.out(line);
  };
}

/**
 * The closing lines of `baton run` and `baton resume`: the result, the whole of it as JSON, or with
 * `--jsonl` one last line `{"type":"result", ...}` without the events, which were printed already.
 */
export function printResult(
  result: StoredRunResult,
  options: {
    readonly json?: boolean | undefined;
    readonly jsonl?: boolean | undefined;
    readonly module?: string;
  },
  io: CliIo,
): void {
  if (options.jsonl) {
    const { events: _events, ...rest } = result;
    io.out(JSON.stringify({ type: 'result', ...rest }));
    return;
  }
  io.out(options.json ? JSON.stringify(result, null, 2) : formatResult(result, options.module));
}

/** Wraps the run's model (or each agent's own) so that every call is written to the cassette `file`. */
function withRecording(
  model: Model | null,
  agents: ReadonlyMap<string, { readonly kind: string; readonly model?: Model }>,
  file: string | undefined,
): Model | Readonly<Record<string, Model>> | null {
  if (file === undefined) return model;
  if (model) return record(model, file);
  // One cassette for the whole run: a shared recorder in front of each agent's own model.
  const tape = record({ id: 'per-agent', call: (request) => own.get(request.agent)!.call(request) }, file);
  const own = new Map<string, Model>();
  const models: Record<string, Model> = {};
  for (const [name, agent] of agents) {
    if (agent.kind !== 'agent' || !agent.model) continue;
    own.set(name, agent.model);
    models[name] = tape;
  }
  return models;
}
