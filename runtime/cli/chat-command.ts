import { BatonError, isBatonError } from '../../contracts/errors.js';
import type { AnyFlow } from '../../machines/define-flow.js';
import { answerRun } from '../answer-run.js';
import { runFlow } from '../run-flow.js';
import type { StoredRunResult } from '../run-result.js';
import { MemoryStore } from '../store/memory-store.js';
import { CliError } from './exit-codes.js';
import type { CliIo } from './io.js';
import { loadRunTarget, pickFlow } from './load-flows.js';
import { type ModelFlags, modelOption } from './model-option.js';
import { closing, openRunStore, type StoreFlags } from './open-store.js';
import { printResult, RUN_EXIT, readInput } from './run-command.js';

/** Options of `baton chat`. */
export interface ChatCommandOptions extends ModelFlags, StoreFlags {
  readonly module: string;
  readonly input?: string | undefined;
  readonly flow?: string | undefined;
}

/**
 * `baton chat <module or folder>`: runs a flow as a conversation at the terminal. Each question an agent
 * asks (its reply to you) is printed, the next line you type is its answer, and the run goes on with it,
 * until the flow ends. An approval reads `y` (approve) or anything else as a rejection with that reason.
 * The run is kept like `baton run`'s (with --no-store, in memory only), so a chat left at end of input
 * waits in the store for `baton answer`.
 */
export async function chatCommand(options: ChatCommandOptions, io: CliIo): Promise<number> {
  const readLine = io.readLine;
  if (!readLine) {
    throw new CliError(
      'usage',
      'invalid_argument',
      'baton chat reads your answers from the standard input, which this process has not got.',
    );
  }
  const model = await modelOption(options, io);
  const loaded = await loadRunTarget(options.module, io.cwd);
  const flow = pickFlow(loaded, options.flow);
  const opened = await openRunStore(options, io);
  const store = opened?.store ?? new MemoryStore();
  const controller = new AbortController();
  io.onInterrupt(() => controller.abort(new Error('interrupted')));
  const common = { store, signal: controller.signal, ...(model ? { models: model } : {}) };
  return await closing(opened, async () => {
    const input = await firstInput(flow, options, loaded.exports.sampleInput, io, readLine);
    if (input === null) return RUN_EXIT.cancelled;
    let result: StoredRunResult = await runFlow(flow, input, common);
    while (result.status === 'awaiting_human') {
      const { question } = result;
      io.out(`${question.agent}> ${question.question}`);
      const line = await readLine(
        question.kind !== 'ask' ? 'approve? [y/N, or a reason to reject] ' : 'you> ',
      );
      if (line === null) {
        io.out(
          opened
            ? `(the run waits in ${opened.shown}: answer it with baton answer ${options.module} ${result.runId} "<answer>")`
            : '(the run waits; it was not kept, so it ends with this process)',
        );
        return RUN_EXIT.awaiting_human;
      }
      const answer =
        question.kind !== 'ask'
          ? /^y(es)?$/i.test(line.trim())
            ? { approved: true }
            : {
                approved: false,
                reason:
                  line.trim() === '' || /^n(o)?$/i.test(line.trim())
                    ? 'rejected at the terminal'
                    : line.trim(),
              }
          : line;
      try {
        result = await answerRun(flow, result.runId, answer, { ...common, question: question.id });
      } catch (error) {
        if (!isBatonError(error) || error.code !== 'invalid_answer') throw error;
        io.err(`baton: ${error.code}: ${error.message.split('\n')[0]}`);
      }
    }
    printResult(result, { module: options.module }, io);
    if (opened) io.out(`run ${result.runId} stored in ${opened.shown}`);
    return RUN_EXIT[result.status];
  });
}

/**
 * The run's input: `--input`, else the module's `sampleInput`, else, for a flow whose input is one text
 * field (such as `{ message }`), the first line typed.
 */
async function firstInput(
  flow: AnyFlow,
  options: ChatCommandOptions,
  sample: unknown,
  io: CliIo,
  readLine: (prompt: string) => Promise<string | null>,
): Promise<unknown> {
  if (options.input !== undefined) return readInput(options.input, io.cwd);
  const field = oneTextField(flow);
  if (field !== null) {
    const line = await readLine('you> ');
    return line === null ? null : { [field]: line };
  }
  if (sample !== undefined) return sample;
  throw new BatonError(
    'invalid_argument',
    `No input: flow "${flow.id}" takes more than one text field. Pass --input <file or JSON>, or export sampleInput from the module.`,
  );
}

/** The name of the input's one property when it is a required string, else null. */
function oneTextField(flow: AnyFlow): string | null {
  const properties = (flow.input.properties ?? {}) as Record<string, { readonly type?: unknown }>;
  const names = Object.keys(properties);
  if (names.length !== 1) return null;
  const [name] = names as [string];
  return properties[name]?.type === 'string' ? name : null;
}
