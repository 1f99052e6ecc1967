import { cancelRun } from '../cancel-run.js';
import type { CliIo } from './io.js';
import { type StoreFlags, withRunDatabase } from './open-store.js';
import { notStored } from './show-command.js';

/** Options of `baton cancel`. */
export interface CancelCommandOptions extends StoreFlags {
  readonly run: string;
}

/**
 * `baton cancel <run>`: asks for a stored run to be cancelled, and says who will end it: the process
 * advancing it, at its next transition or lease renewal; or, when none does, this command at once.
 */
export async function cancelCommand(options: CancelCommandOptions, io: CliIo): Promise<number> {
  return await withRunDatabase(options, io, async ({ store, shown }) => {
    const run = await store.get(options.run);
    if (!run) throw notStored(options.run, shown);
    const outcome = await cancelRun(store, run.id);
    if (outcome === 'requested')
      io.out(
        `Cancel requested for run ${run.id}: ${run.lease?.holder ?? 'the process'} that advances it ends it cancelled at its next transition or lease renewal.`,
      );
    else io.out(`Run ${run.id} is cancelled: no process was advancing it.`);
    return 0;
  });
}
