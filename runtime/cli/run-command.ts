import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Model } from '../../agents/model.js';
import { record } from '../../agents/providers/record.js';
import { BatonError } from '../../contracts/errors.js';
import { MODEL_VARIABLE, modelFromSpec } from '../model-spec.js';
import { runFlow } from '../run-flow.js';
import { formatEvent, formatResult } from './format-events.js';
import type { CliIo } from './io.js';
import { loadFlowModule, pickFlow } from './load-flows.js';

/** Exit codes of `baton run`, by the run's status. */
export const RUN_EXIT = { done: 0, failed: 1, escalated: 2, cancelled: 3 } as const;

/** Options of `baton run`. */
export interface RunCommandOptions {
  readonly module: string;
  readonly input?: string | undefined;
  readonly flow?: string | undefined;
  readonly json?: boolean | undefined;
  /** `scripted`, `openai:<model>`, `openai-chat:<model>`, `anthropic:<model>` or `replay:<file>`; default BATON_MODEL. */
  readonly model?: string | undefined;
  readonly baseURL?: string | undefined;
  /** Write every model call of the run to this cassette. */
  readonly record?: string | undefined;
}

/** Reads `--input`: a path to a JSON file, or inline JSON. */
export function readInput(value: string, cwd: string): unknown {
  const path = resolve(cwd, value);
  const text = existsSync(path) ? readFileSync(path, 'utf8') : value;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new BatonError(
      'invalid_argument',
      `--input is neither a JSON file nor JSON: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/** `baton run <module> [--input …]`: runs a flow, prints each step and the result, returns the exit code. */
export async function runCommand(options: RunCommandOptions, io: CliIo): Promise<number> {
  const loaded = await loadFlowModule(options.module, io.cwd);
  const flow = pickFlow(loaded, options.flow);
  const input = options.input !== undefined ? readInput(options.input, io.cwd) : loaded.exports.sampleInput;
  if (input === undefined) {
    throw new BatonError(
      'invalid_argument',
      `No input: pass --input <file or JSON>, or export sampleInput from ${loaded.path}.`,
    );
  }
  const picked = modelFromSpec(options.model ?? io.env[MODEL_VARIABLE] ?? 'scripted', {
    baseURL: options.baseURL,
    cwd: io.cwd,
  });
  const models = withRecording(
    picked,
    flow.agents,
    options.record === undefined ? undefined : resolve(io.cwd, options.record),
  );
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('interrupted'));
  io.onInterrupt(stop);
  const result = await runFlow(flow, input, {
    signal: controller.signal,
    ...(models ? { models } : {}),
    onEvent: (event) => {
      if (options.json) return;
      const line = formatEvent(event);
      if (line !== null) io.out(line);
    },
  });
  io.out(options.json ? JSON.stringify(result, null, 2) : formatResult(result));
  return RUN_EXIT[result.status];
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
