import type { Clock } from '../agents/clock.js';
import type { VisitUsage } from '../agents/decision.js';
import { BatonError, describeThrown } from '../contracts/errors.js';
import { type Ending, type FlowContext, type RunUsage, reason } from '../machines/context.js';
import {
  type AnswerEvent,
  AWAITING_HUMAN,
  type CancelEvent,
  type DeadlineEvent,
  type HumanTimeoutEvent,
} from '../machines/flow-events.js';
import type { DurableRun } from './durable-run.js';
import type { RunLog } from './run-log.js';
import type { RunResult, StoredRunResult, WaitingResult } from './run-result.js';

/**
 * Watches a run's actor: settles with the result when the actor reaches a final state (the actor then
 * stops itself), and holds the run's one deadline timer and the caller's kill switch until then. Only a defect in Baton or in a user
 * callback the machine runs reaches `error`: flow outcomes are final states, so the run rejects with
 * `internal_error` and the cause attached, rather than hang. An actor stopped from outside (through an
 * inspector, say) ends the run as `cancelled`.
 */
/** The longest delay a Node timer takes (2^31 - 1 ms); a longer one fires at once. */
const LONGEST_TIMER_MS = 2_147_483_647;

export class RunWatch<O> {
  private stopCancel: (() => void) | null = null;
  private stopTimer: (() => void) | null = null;
  private settled = false;
  /** For a run kept in a store: its end is committed before the run settles. */
  durable: DurableRun | null = null;
  /** The question being answered as the run resumes: its restored snapshot waits on it still. */
  answering: string | null = null;

  constructor(
    private readonly flow: string,
    private readonly runId: string,
    private readonly log: RunLog,
    private readonly actor: RunActor,
    private readonly resolve: (result: StoredRunResult<O>) => void,
    private readonly reject: (error: BatonError) => void,
  ) {}

  /** Sends the kill switch to the actor when `signal` aborts, until the run ends. */
  cancelOn(signal: AbortSignal): void {
    const cancel = () => this.actor.send({ type: 'baton.cancel', reason: describeAbort(signal.reason) });
    signal.addEventListener('abort', cancel, { once: true });
    this.stopCancel = () => signal.removeEventListener('abort', cancel);
  }

  /**
   * Sends the deadline to the actor after `ms` of the run's clock: one timer per run, whatever the run
   * waits on. The machine ends the run `escalated` / `deadline`, which aborts what is in flight.
   */
  expireAfter(clock: Clock, ms: number): void {
    // A timer longer than Node's longest (about 24.8 days) would fire at once: it is set in parts.
    let handle: unknown;
    const arm = (left: number) => {
      handle =
        left > LONGEST_TIMER_MS
          ? clock.setTimeout(() => arm(left - LONGEST_TIMER_MS), LONGEST_TIMER_MS)
          : clock.setTimeout(() => this.actor.send({ type: 'baton.deadline' }), Math.max(0, left));
    };
    arm(ms);
    this.stopTimer = () => clock.clearTimeout(handle);
  }

  next(snapshot: FlowSnapshot): void {
    // XState reports what an observer throws as an uncaught error, which would leave the run unsettled:
    // a defect here rejects the run, and the actor is stopped once XState has finished this step.
    try {
      const waiting = snapshot.status === 'active' && snapshot.value === AWAITING_HUMAN;
      if (waiting && waitId(snapshot.context) === this.answering) return;
      if (this.durable && snapshot.status === 'active')
        this.durable.transition(snapshot, () => this.actor.getPersistedSnapshot());
      if (waiting) this.park(snapshot.context);
      else if (snapshot.status !== 'active') this.settle(snapshot.context);
    } catch (cause) {
      this.error(cause);
      queueMicrotask(() => this.actor.stop());
    }
  }

  error(cause: unknown): void {
    if (!this.end()) return;
    this.reject(
      new BatonError(
        'internal_error',
        `Flow "${this.flow}" stopped on an internal error: ${describeThrown(cause)}`,
        {
          cause,
        },
      ),
    );
  }

  /**
   * Called when the actor stops. After a final state the run has settled already; an actor stopped from
   * outside settles here, from its last context (which has no ending).
   */
  complete(): void {
    if (this.settled) return;
    try {
      this.settle(this.actor.getSnapshot().context);
    } catch (cause) {
      this.error(cause);
    }
  }

  /** Lets go of the caller's signal without settling: for a run that never started. */
  detach(): void {
    this.end();
  }

  /**
   * Stops the run where it is, for a run whose store failed for good: the actor stops, nothing more is
   * committed, and the run rejects with the store's error. What was committed last stays as it was.
   */
  abandon(error: BatonError): void {
    if (!this.end()) return;
    this.durable?.stop();
    queueMicrotask(() => this.actor.stop());
    this.reject(error);
  }

  /** Marks the run settled and lets go of the caller's signal; false if it had settled already. */
  private end(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.stopCancel?.();
    this.stopTimer?.();
    return true;
  }

  /**
   * Settles a stored run that waits for a person: once the wait is committed, the lease is let go and the
   * actor stopped, so the run lives only in the store until its answer comes.
   */
  private park(context: FlowContext): void {
    const durable = this.durable;
    if (!durable) {
      this.error(new Error('a run that is not kept in a store reached the human wait'));
      queueMicrotask(() => this.actor.stop());
      return;
    }
    if (!this.end()) return;
    const verdict = context.verdict;
    if (verdict?.kind !== 'wait') throw new Error('the human wait holds no question');
    const usage = runUsage(context.usage, context.handoffs);
    const result: WaitingResult = {
      runId: this.runId,
      flow: this.flow,
      usage,
      path: context.path,
      events: this.log.close(),
      status: 'awaiting_human',
      question: verdict.wait,
      partial: context.partial,
      ...(context.facts ? { facts: context.facts } : {}),
    };
    const failure = this.log.listenerFailure;
    queueMicrotask(() => this.actor.stop());
    durable.park().then(
      () => {
        if (!failure) this.resolve(result);
        else this.reject(listenerFailed(this.flow, result, failure.error));
      },
      (error: BatonError) => this.reject(error),
    );
  }

  /** Settles the run that ended with `context`: with its result, or `listener_failed` holding it. */
  private settle(context: FlowContext): void {
    if (!this.end()) return;
    const result = resultOf<O>(this.flow, this.runId, context, this.log);
    const failure = this.log.listenerFailure;
    const done = () => {
      if (!failure) this.resolve(result);
      else this.reject(listenerFailed(this.flow, result, failure.error));
    };
    if (!this.durable) {
      done();
      return;
    }
    // A stored run settles once its end is committed.
    this.durable
      .finish(result.status, context, this.actor.getPersistedSnapshot())
      .then(done, (error: BatonError) => this.reject(error));
  }
}

/** What the watch uses of a run's actor. */
export interface RunActor {
  send(event: CancelEvent | DeadlineEvent | AnswerEvent | HumanTimeoutEvent): void;
  stop(): unknown;
  getSnapshot(): FlowSnapshot;
  getPersistedSnapshot(): unknown;
}

/** What the watch reads of a flow machine's snapshots. */
export interface FlowSnapshot {
  readonly status: string;
  readonly value: unknown;
  readonly context: FlowContext;
}

/**
 * The result of a run whose actor stopped with `context`. Every final state sets an ending; a context
 * without one is an actor stopped from outside before the flow reached a final state: `cancelled`.
 */
function resultOf<O>(flow: string, runId: string, context: FlowContext, log: RunLog): RunResult<O> {
  const usage = runUsage(context.usage, context.handoffs);
  const ending: Ending = context.ending ?? {
    status: 'cancelled',
    reason: reason(
      'cancelled',
      `The run's actor was stopped from outside before flow "${flow}" reached a final state.`,
      { state: context.agent ?? 'start', agent: context.agent, step: context.step },
    ),
  };
  const path = context.ending ? context.path : context.path.concat(ending.status);
  // Literals, not spreads: a spread that adds properties is slow in V8 (Node 20), and this runs per run.
  if (ending.status === 'done') {
    log.record({ type: 'run.ended', status: ending.status, usage });
    const events = log.close();
    const done: RunResult<O> = {
      runId,
      flow,
      usage,
      path,
      events,
      status: 'done',
      output: ending.output as O,
    };
    return context.facts ? { ...done, facts: context.facts } : done;
  }
  log.record({ type: 'run.ended', status: ending.status, code: ending.reason.code, usage });
  const { status, reason: why } = ending;
  const events = log.close();
  const stopped: RunResult<O> = {
    runId,
    flow,
    usage,
    path,
    events,
    status,
    reason: why,
    partial: context.partial,
  };
  return context.facts ? { ...stopped, facts: context.facts } : stopped;
}

/** The id of the question a context's run waits on, or null. */
function waitId(context: FlowContext): string | null {
  return context.verdict?.kind === 'wait' ? context.verdict.wait.id : null;
}

/** A run's usage: its visits' usage and its handoffs. */
export function runUsage(usage: VisitUsage, handoffs: number): RunUsage {
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedInputTokens: usage.cachedInputTokens,
    reasoningTokens: usage.reasoningTokens,
    costUsd: usage.costUsd,
    turns: usage.turns,
    handoffs,
  };
}

export function listenerFailed(flow: string, result: StoredRunResult<unknown>, error: unknown): BatonError {
  const why = describeThrown(error);
  return new BatonError(
    'listener_failed',
    `The onEvent listener of flow "${flow}" threw: ${why}. It was not called again; the run ended ${result.status}, and details.result holds its result.`,
    { cause: error, details: { result } },
  );
}

export function describeAbort(value: unknown): string {
  return value === undefined ? 'aborted by the caller' : describeThrown(value);
}
