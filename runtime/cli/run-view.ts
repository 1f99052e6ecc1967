import type { InspectionEvent } from 'xstate';
import type { RunEvent } from '../run-events.js';
import { CliError } from './exit-codes.js';
import {
  type CliInspector,
  type InspectorPackages,
  loadInspectorPackages,
  startInspector,
} from './inspect-option.js';
import type { CliIo } from './io.js';
import { progressFor } from './progress.js';

/** The flags of `baton run` and `baton resume` that say how a run is shown. */
export interface ViewFlags {
  readonly json?: boolean | undefined;
  readonly jsonl?: boolean | undefined;
  readonly quiet?: boolean | undefined;
  readonly inspect?: boolean | undefined;
  readonly inspectPort?: string | undefined;
}

/** How a run is shown while it goes on: its progress, and the Stately inspector with `--inspect`. */
export interface RunView {
  /** What to add to the run's options: its `onEvent`, and its `inspect` with `--inspect`. */
  readonly runOptions: {
    readonly onEvent: (event: RunEvent) => void;
    readonly inspect?: (event: InspectionEvent) => void;
  };
  /** Runs `run`, stopping the live line once it settles, and closing the inspector if it rejects. */
  during<T>(run: () => Promise<T>): Promise<T>;
  /** With `--inspect`: keeps the inspector open until Ctrl-C, then closes it. */
  hold(): Promise<void>;
}

/**
 * Checks the view flags before anything else is done: `--json` and `--jsonl` are two outputs, `--quiet`
 * prints no steps at all, and `--inspect-port` takes a port. Returns the inspector's port (0: a free one).
 */
export function checkViewFlags(flags: ViewFlags): number {
  const clash = (a: string, b: string) =>
    new CliError('usage', 'invalid_argument', `${a} and ${b} cannot be used together: pick one output.`);
  if (flags.json && flags.jsonl) throw clash('--json', '--jsonl');
  if (flags.quiet && flags.jsonl) throw clash('--quiet', '--jsonl');
  if (flags.inspectPort === undefined) return 0;
  if (!flags.inspect)
    throw new CliError('usage', 'invalid_argument', '--inspect-port applies only with --inspect.');
  const port = Number(flags.inspectPort);
  if (!/^\d+$/.test(flags.inspectPort) || port < 1 || port > 65_535)
    throw new CliError(
      'usage',
      'invalid_argument',
      `--inspect-port takes a port number from 1 to 65535, got "${flags.inspectPort}".`,
    );
  return port;
}

/**
 * Opens the view of a run: progress as the flags and the output ask (see `progressFor`), and with
 * `--inspect` the Stately inspector, whose page is printed on stderr. `packages` is for tests.
 */
export async function openRunView(
  flags: ViewFlags,
  io: CliIo,
  packages: () => Promise<InspectorPackages> = loadInspectorPackages,
): Promise<RunView> {
  const port = checkViewFlags(flags);
  const progress = progressFor(flags, io);
  let inspector: CliInspector | null = null;
  if (flags.inspect) {
    inspector = await startInspector(port, await packages());
    io.err(
      `Stately inspector: open ${inspector.url} in a browser to watch the run (the page loads the inspector from stately.ai).`,
    );
  }
  const shown = inspector;
  const onEvent = shown
    ? (event: RunEvent) => {
        shown.onEvent(event);
        progress.event(event);
      }
    : progress.event;
  return {
    runOptions: shown ? { onEvent, inspect: shown.inspect } : { onEvent },
    during: async (run) => {
      try {
        return await run();
      } catch (error) {
        await shown?.close();
        throw error;
      } finally {
        progress.stop();
      }
    },
    hold: async () => {
      if (!shown) return;
      io.err(`The run stays in the inspector at ${shown.url} until Ctrl-C.`);
      await new Promise<void>((resolve) => io.onInterrupt(resolve));
      await shown.close();
    },
  };
}
