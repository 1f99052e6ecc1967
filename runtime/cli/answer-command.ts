import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { answerRun } from '../answer-run.js';
import { CliError } from './exit-codes.js';
import type { CliIo } from './io.js';
import { loadRunTarget } from './load-flows.js';
import { type ModelFlags, modelOption } from './model-option.js';
import { type StoreFlags, withRunDatabase } from './open-store.js';
import { storedRunFlow } from './resume-command.js';
import { printResult, printSteps, RUN_EXIT } from './run-command.js';

/** Options of `baton answer`. */
export interface AnswerCommandOptions extends ModelFlags, StoreFlags {
  readonly module: string;
  readonly run: string;
  readonly answer: string;
  /** The id of the question answered, so a late answer cannot answer the next question. */
  readonly question?: string | undefined;
  readonly flow?: string | undefined;
  readonly json?: boolean | undefined;
}

/**
 * Reads an answer from the command line: a JSON file, inline JSON, or else the text itself (an answer to
 * an agent's question is text, and `"…"` quoting it is easy to forget).
 */
export function readAnswer(value: string, cwd: string): unknown {
  const text = value.trim();
  try {
    return JSON.parse(text);
  } catch {
    // not inline JSON: a file, or the text itself
  }
  const path = resolve(cwd, text);
  if (text !== '' && existsSync(path) && statSync(path).isFile()) {
    const content = readFileSync(path, 'utf8');
    try {
      return JSON.parse(content);
    } catch (error) {
      throw new CliError(
        'data',
        'invalid_argument',
        `The answer file ${path} is not JSON: ${(error as Error).message}. Write the answer as JSON, e.g. {"approved": true}.`,
        { details: { path } },
      );
    }
  }
  return value;
}

/**
 * `baton answer <module or folder> <run> <answer>`: answers the question a stored run waits on and goes on
 * with the run in this process, printing each step and the result as `baton run` does, with its exit codes.
 */
export async function answerCommand(options: AnswerCommandOptions, io: CliIo): Promise<number> {
  const model = await modelOption(options, io);
  const loaded = await loadRunTarget(options.module, io.cwd);
  const answer = readAnswer(options.answer, io.cwd);
  return await withRunDatabase(options, io, async ({ store, shown }) => {
    const { stored, flow } = await storedRunFlow(store, shown, loaded, options);
    const controller = new AbortController();
    io.onInterrupt(() => controller.abort(new Error('interrupted')));
    const result = await answerRun(flow, stored.id, answer, {
      store,
      signal: controller.signal,
      ...(model ? { models: model } : {}),
      ...(options.question !== undefined ? { question: options.question } : {}),
      onEvent: printSteps(options, io),
    });
    printResult(result, options, io);
    return RUN_EXIT[result.status];
  });
}
