import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BatonError } from '../../contracts/errors.js';
import { answerRun } from '../answer-run.js';
import { PostgresStore } from '../store/postgres-store.js';
import { enqueueAnswer } from '../worker/enqueue-answer.js';
import { CliError } from './exit-codes.js';
import type { CliIo } from './io.js';
import { loadRunTarget } from './load-flows.js';
import { type ModelFlags, modelOption } from './model-option.js';
import { DB_VARIABLE, namedDatabase, type StoreFlags, withRunDatabase } from './open-store.js';
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
  /** Hand the run to the workers of a Postgres store instead of going on with it in this process. */
  readonly enqueue?: boolean | undefined;
}

/**
 * The exit code of `baton answer --enqueue` once the answer is taken and the run handed to the workers: 0,
 * since the command did what it was asked. The run waits for no person any more and has not ended: what it
 * comes to is for `baton show`, not for this exit code.
 */
const ENQUEUED_EXIT = 0;

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
 * with the run in this process, printing each step and the result as `baton run` does, with its exit codes;
 * with `--enqueue`, hands the run to the workers instead.
 */
export async function answerCommand(options: AnswerCommandOptions, io: CliIo): Promise<number> {
  if (options.enqueue) return await answerForWorkers(options, io);
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

/**
 * `baton answer … --enqueue`: takes the answer as `enqueueAnswer` does, committing it and sending the run's
 * job to the workers of a Postgres store in one transaction, and says so; nothing the answer leads to (a
 * model call, the approved tool) runs in this process. When the answer ended the run at once, prints the
 * ending as `baton answer` does without the flag, with its exit code.
 */
async function answerForWorkers(options: AnswerCommandOptions, io: CliIo): Promise<number> {
  checkEnqueue(options, io);
  const loaded = await loadRunTarget(options.module, io.cwd);
  const answer = readAnswer(options.answer, io.cwd);
  return await withRunDatabase(options, io, async ({ store, shown }) => {
    const { stored, flow } = await storedRunFlow(store, shown, loaded, options);
    if (!(store instanceof PostgresStore))
      throw new BatonError('internal_error', `--enqueue opened ${shown}, which is not a Postgres store.`);
    const result = await enqueueAnswer({
      store,
      flow,
      runId: stored.id,
      answer,
      ...(options.question !== undefined ? { question: options.question } : {}),
    });
    if (result.status !== 'enqueued') {
      printResult(result, options, io);
      return RUN_EXIT[result.status];
    }
    io.out(
      options.json
        ? JSON.stringify(result, null, 2)
        : `↷ answered (${result.question}): a worker of ${result.flow} goes on with run ${result.runId}. baton show ${result.runId} shows where it is.`,
    );
    return ENQUEUED_EXIT;
  });
}

/**
 * What `--enqueue` needs of the command line, checked before the module is imported: a Postgres store
 * (`--db` or BATON_DB), which the workers read, and no model, since the workers call their own.
 */
function checkEnqueue(options: AnswerCommandOptions, io: CliIo): void {
  const { url: db, postgres } = namedDatabase(options, io);
  if (db === undefined || !postgres)
    throw new CliError(
      'usage',
      'invalid_argument',
      `--enqueue needs a Postgres store that workers read: pass --db postgres://user@host:5432/database or set ${DB_VARIABLE} to one${db === undefined ? '' : `, not ${db}`}. Without --enqueue, baton answer goes on with the run in this process.`,
    );
  const flag = options.model !== undefined ? '--model' : options.baseURL !== undefined ? '--base-url' : null;
  if (flag !== null)
    throw new CliError(
      'usage',
      'invalid_argument',
      `${flag} does not apply with --enqueue: the workers go on with the run, with the models they were started with. Drop ${flag}, or drop --enqueue to go on with the run in this process.`,
    );
}
