import { BatonError } from '../../contracts/errors.js';
import type { Ending } from '../../machines/context.js';
import type { StoredRun } from '../store/store.js';
import { contextOf } from '../stored-run.js';
import { formatQuestion, formatReason, formatUsage } from './format-events.js';
import type { CliIo } from './io.js';
import { type StoreFlags, withRunDatabase } from './open-store.js';
import { Progress } from './progress.js';
import { formatAge, runSummary } from './runs-command.js';

/** Options of `baton show`. */
export interface ShowCommandOptions extends StoreFlags {
  readonly run: string;
  readonly json?: boolean | undefined;
}

/**
 * `baton show <run>`: a stored run's flow, status, agent, usage, path, how it ended, and its events,
 * printed as `baton run` prints its steps; or all of it as JSON.
 */
export async function showCommand(options: ShowCommandOptions, io: CliIo): Promise<number> {
  return await withRunDatabase(options, io, async ({ store, shown }) => {
    const run = await store.get(options.run);
    if (!run) throw notStored(options.run, shown);
    const events = await store.events(run.id);
    const context = contextOf(run.snapshot.snapshot);
    const path: readonly string[] = Array.isArray(context?.path) ? context.path : [];
    const ending: Ending | null = context?.ending ?? null;
    if (options.json) {
      const question =
        run.status === 'awaiting_human' && context?.verdict?.kind === 'wait' ? context.verdict.wait : null;
      io.out(JSON.stringify({ ...runSummary(run), path, ending, question, events }, null, 2));
      return 0;
    }
    const now = Date.now();
    io.out(
      [
        `run      ${run.id}`,
        `flow     ${run.flow} (version ${run.flowVersion})`,
        `status   ${run.status}${whoAdvances(run, now)}`,
        `agent    ${run.agent ?? '-'}`,
        `usage    ${formatUsage(run.usage)}`,
        `path     ${path.join(' → ') || '-'}`,
        `updated  ${new Date(run.updatedAt).toISOString()} (${formatAge(now - run.updatedAt)} ago), created ${new Date(run.createdAt).toISOString()}`,
      ].join('\n'),
    );
    if (ending?.status === 'done') io.out(`✔ done\n${JSON.stringify(ending.output, null, 2)}`);
    else if (ending) io.out(formatReason(ending.status, ending.reason));
    else if (run.status === 'awaiting_human' && context?.verdict?.kind === 'wait')
      io.out(formatQuestion(run.id, context.verdict.wait, '<flow module>'));
    io.out(`events (${events.length})`);
    // The steps as `baton run` printed them, each attempt with its tokens and duration.
    const steps = new Progress({ style: 'lines', out: (line) => io.out(line) });
    for (const event of events) steps.event(event);
    return 0;
  });
}

/** The `run_not_found` of a run id the database does not have, naming the database. */
export function notStored(runId: string, shown: string): BatonError {
  return new BatonError(
    'run_not_found',
    `${shown} has no run "${runId}": it was never stored there, or it finished and was deleted. List the stored runs with \`baton runs\`.`,
    { details: { runId, db: shown } },
  );
}

/** For a run that has not ended: whether a process advances it, and whether it is to be cancelled. */
function whoAdvances(run: StoredRun, now: number): string {
  if (run.status !== 'running' && run.status !== 'awaiting_human') return '';
  const cancel = run.cancelRequested ? ', cancel requested' : '';
  if (run.lease && run.lease.expiresAt > now)
    return ` (advanced by ${run.lease.holder}, lease until ${new Date(run.lease.expiresAt).toISOString()}${cancel})`;
  if (run.status === 'awaiting_human') return cancel === '' ? '' : ` (${cancel.slice(2)})`;
  return ` (no process advances it${cancel}: continue it with \`baton resume <flow module> ${run.id}\`)`;
}
