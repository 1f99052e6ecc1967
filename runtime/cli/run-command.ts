import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BatonError } from '../../contracts/errors.js';
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
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('interrupted'));
  io.onInterrupt(stop);
  const result = await runFlow(flow, input, {
    signal: controller.signal,
    onEvent: (event) => {
      if (options.json) return;
      const line = formatEvent(event);
      if (line !== null) io.out(line);
    },
  });
  io.out(options.json ? JSON.stringify(result, null, 2) : formatResult(result));
  return RUN_EXIT[result.status];
}
