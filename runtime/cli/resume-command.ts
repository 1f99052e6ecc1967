import type { AnyFlow } from '../../machines/define-flow.js';
import { resumeRun } from '../resume-run.js';
import type { Store, StoredRun } from '../store/store.js';
import type { CliIo } from './io.js';
import { type LoadedModule, loadRunTarget, pickFlow } from './load-flows.js';
import { type ModelFlags, modelOption } from './model-option.js';
import { type StoreFlags, withRunDatabase } from './open-store.js';
import { printResult, RUN_EXIT } from './run-command.js';
import { checkViewFlags, openRunView, type ViewFlags } from './run-view.js';
import { notStored } from './show-command.js';

/** Options of `baton resume`. */
export interface ResumeCommandOptions
  extends ModelFlags,
    StoreFlags,
    Omit<ViewFlags, 'inspect' | 'inspectPort'> {
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
  checkViewFlags(options);
  const model = await modelOption(options, io);
  const loaded = await loadRunTarget(options.module, io.cwd);
  return await withRunDatabase(options, io, async ({ store, shown }) => {
    const { stored, flow } = await storedRunFlow(store, shown, loaded, options);
    const controller = new AbortController();
    io.onInterrupt(() => controller.abort(new Error('interrupted')));
    const view = await openRunView(options, io);
    let resumed = false;
    const result = await view.during(() =>
      resumeRun(flow, stored.id, {
        store,
        signal: controller.signal,
        ...(model ? { models: model } : {}),
        // Said at the first event, once resumeRun has taken the run: a refusal prints only its one line.
        onEvent: (event) => {
          if (!resumed && !options.json && !options.jsonl && !options.quiet)
            io.out(`↻ ${flow.id} (${stored.id}) resumed at agent ${stored.agent ?? '-'}`);
          resumed = true;
          view.runOptions.onEvent(event);
        },
      }),
    );
    printResult(result, options, io);
    return RUN_EXIT[result.status];
  });
}

/**
 * The stored run a command names and the flow of the module to go on with it: the run's own flow when the
 * module exports several (so no --flow is needed), `run_not_found` for a run the database does not have.
 */
export async function storedRunFlow(
  store: Store,
  shown: string,
  loaded: LoadedModule,
  options: { readonly run: string; readonly flow?: string | undefined },
): Promise<{ readonly stored: StoredRun; readonly flow: AnyFlow }> {
  const stored = await store.get(options.run);
  if (!stored) throw notStored(options.run, shown);
  const named = loaded.flows.some((flow) => flow.id === stored.flow) ? stored.flow : undefined;
  return { stored, flow: pickFlow(loaded, options.flow ?? named) };
}
