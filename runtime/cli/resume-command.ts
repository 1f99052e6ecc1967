import { resumeRun } from '../resume-run.js';
import type { CliIo } from './io.js';
import { loadRunTarget, pickFlow } from './load-flows.js';
import { type ModelFlags, modelOption } from './model-option.js';
import { type StoreFlags, withRunDatabase } from './open-store.js';
import { printResult, printSteps, RUN_EXIT } from './run-command.js';
import { notStored } from './show-command.js';

/** Options of `baton resume`. */
export interface ResumeCommandOptions extends ModelFlags, StoreFlags {
  readonly module: string;
  readonly run: string;
  readonly flow?: string | undefined;
  readonly json?: boolean | undefined;
}

/**
 * `baton resume <module or folder> <run>`: continues a stored run with the flow the module exports, from
 * its last commit to its end, printing each step and the result as `baton run` does, with its exit codes.
 */
export async function resumeCommand(options: ResumeCommandOptions, io: CliIo): Promise<number> {
  const model = await modelOption(options, io);
  const loaded = await loadRunTarget(options.module, io.cwd);
  return await withRunDatabase(options, io, async ({ store, shown }) => {
    const stored = await store.get(options.run);
    if (!stored) throw notStored(options.run, shown);
    // A module with several flows needs no --flow when one of them is the run's.
    const named = loaded.flows.some((flow) => flow.id === stored.flow) ? stored.flow : undefined;
    const flow = pickFlow(loaded, options.flow ?? named);
    const controller = new AbortController();
    io.onInterrupt(() => controller.abort(new Error('interrupted')));
    const steps = printSteps(options, io);
    let resumed = false;
    const result = await resumeRun(flow, stored.id, {
      store,
      signal: controller.signal,
      ...(model ? { models: model } : {}),
      // Said at the first event, once resumeRun has taken the run: a refusal prints only its one line.
      onEvent: (event) => {
        if (!resumed && !options.json)
          io.out(`↻ ${flow.id} (${stored.id}) resumed at agent ${stored.agent ?? '-'}`);
        resumed = true;
        steps(event);
      },
    });
    printResult(result, options, io);
    return RUN_EXIT[result.status];
  });
}
