import { createActor } from 'xstate';
import type { Clock } from '../../agents/clock.js';
import { NO_USAGE } from '../../agents/decision.js';
import type { AnyFlow } from '../../machines/define-flow.js';
import { RUN_ACTOR } from '../../machines/run-env.js';
import type { RunEvent } from '../run-events.js';
import { RunLog } from '../run-log.js';
import { runUsage } from '../run-watch.js';
import { envelopeMaker } from '../store/envelope.js';
import type { QueuedRun } from '../store/postgres-options.js';
import { storableInput } from '../stored-run.js';

/**
 * A new run as it is stored before any process advances it: the flow machine's first snapshot, taken
 * before the machine starts (its context holds the input and the deadline, counted from now), and the
 * `run.started` event. A worker resumes it like a run whose process died before its first transition:
 * `resumeRun` starts the first attempt from this snapshot.
 */
export function queuedRun(flow: AnyFlow, given: unknown, runId: string, clock: Clock): QueuedRun {
  const input = storableInput(flow.id, given);
  const events: RunEvent[] = [];
  const log = new RunLog(runId, clock, { keep: false, tap: (event) => events.push(event) });
  // The machine input of a stored run, as `advanceStored` gives it: a queued run is kept in a store, so
  // it may wait for a person.
  const actor = createActor(flow.machine, {
    input: { input, runId, startedAt: clock.now(), env: { clock }, waits: true },
    systemId: RUN_ACTOR,
  });
  log.record({ type: 'run.started', flow: flow.id, input });
  return {
    id: runId,
    flow: flow.id,
    flowVersion: flow.version,
    snapshot: envelopeMaker(flow)(actor.getPersistedSnapshot()),
    usage: runUsage(NO_USAGE, 0),
    events,
    at: clock.now(),
  };
}
