import { describeThrown } from '../contracts/errors.js';
import { frozenData, plainJsonCopy } from '../contracts/json-value.js';
import type { AgentEventSink } from './agent-events.js';
import { type AttemptAbort, withSignal } from './attempt-abort.js';
import type { AttemptJournal } from './attempt-journal.js';
import type { Clock } from './clock.js';
import type { AgentOutcome, Decision } from './decision.js';
import { NO_USAGE } from './decision.js';
import type { Step } from './define-agent.js';
import { enter } from './run-attempt.js';

/** What one attempt of a code step needs. */
export interface StepRequest {
  readonly codeStep: Step;
  readonly input: unknown;
  /** The agents this step may hand its output to. */
  readonly routes: readonly string[];
  readonly canFinish: boolean;
  readonly clock: Clock;
  /** Set at the run's deadline or on cancel; `run` receives its signal. */
  readonly abort: AttemptAbort;
  /** The run's step number of this attempt, carried by its events. */
  readonly step?: number;
  readonly visit?: number;
  readonly repair?: number;
  readonly events?: AgentEventSink | undefined;
  /** For a run kept in a store: the step's code runs only once the transition into it is committed. */
  readonly journal?: AttemptJournal | undefined;
}

/**
 * Runs a code step and turns its output into a decision: handed to its only route, to the route `next`
 * picks, or finished when the step may finish and has no route to take. No model is called. A step that
 * throws, whose `next` picks no route it may take, or that returns what a stored run cannot keep as JSON,
 * ends as `step_failed` (its own failure, not a model's); after an abort nothing it returns is taken.
 */
export async function runStep(request: StepRequest): Promise<AgentOutcome> {
  const { codeStep: step, abort } = request;
  abort.throwIfAborted();
  enter({
    agent: step,
    step: request.step ?? 0,
    visit: request.visit,
    repair: request.repair,
    events: request.events,
  });
  if (request.journal) {
    await request.journal.ready(request.step ?? 0);
    abort.throwIfAborted();
  }
  const failed = (message: string, error?: unknown): AgentOutcome =>
    outcomeOf(request, {
      kind: 'failed',
      code: 'step_failed',
      message,
      details: error === undefined ? { agent: step.name } : { agent: step.name, error: describeError(error) },
    });
  let returned: unknown;
  try {
    returned = await step.run(withSignal({ input: request.input }, abort));
  } catch (error) {
    abort.throwIfAborted();
    return failed(`Step "${step.name}" threw: ${describeError(error)}`, error);
  }
  abort.throwIfAborted();
  const kept = handedOn(returned, request.journal !== undefined);
  if (kept.kind === 'refused') return failed(`Step "${step.name}" returned ${kept.problem}`);
  const output = kept.value;
  let to: string | null;
  try {
    if (step.next) to = step.next({ input: request.input, output });
    else if (request.routes.length === 1 && !request.canFinish) to = request.routes[0]!;
    else to = null;
  } catch (error) {
    return failed(`The next() of step "${step.name}" threw: ${describeError(error)}`, error);
  }
  if (to === null) {
    if (!request.canFinish) {
      return failed(
        `Step "${step.name}" picked no route and may not finish. Make next() return one of: ${request.routes.join(', ')}.`,
      );
    }
    return outcomeOf(request, { kind: 'finish', output, callId: null });
  }
  if (typeof to !== 'string' || !request.routes.includes(to)) {
    return failed(
      `The next() of step "${step.name}" returned ${JSON.stringify(to) ?? String(to)}, which is not one of its routes: ${request.routes.join(', ') || 'none'}.`,
    );
  }
  return outcomeOf(request, { kind: 'handoff', to, payload: output, callId: null });
}

/**
 * What a step hands on: a frozen copy of what it returned, so that nothing the step does to its own value
 * later (a cache it returned, an object it goes on filling) reaches what the run checked and keeps, and the
 * step's value is not frozen under it. A stored run keeps it as JSON, which would drop, change or refuse
 * the rest: a value that is not plain JSON data is refused here, as the step's own failure, not when the
 * run is next committed. Without a store a step may hand on a Date, a Map, a Set or a typed array (loop
 * detection tells them apart by content): it is copied as `structuredClone` copies it, and what that
 * cannot copy (a function) is refused. A value nested too deep or cyclic is handed on as it is, for the
 * assessment to report.
 */
function handedOn(
  returned: unknown,
  stored: boolean,
):
  | { readonly kind: 'kept'; readonly value: unknown }
  | { readonly kind: 'refused'; readonly problem: string } {
  const copied = plainJsonCopy(returned);
  if (copied.kind === 'copy') return { kind: 'kept', value: copied.value };
  if (copied.kind === 'shape') return { kind: 'kept', value: returned };
  if (stored) {
    return {
      kind: 'refused',
      problem: `a value a stored run cannot keep: it is ${copied.problem}. Return plain JSON data: strings, finite numbers, booleans, null, arrays and plain objects.`,
    };
  }
  try {
    return { kind: 'kept', value: frozenData(structuredClone(returned)) };
  } catch (error) {
    return {
      kind: 'refused',
      problem: `a value that cannot be copied to hand on (${describeError(error)}). Return data: plain objects, arrays, strings, numbers, booleans, null, and without a store Dates, Maps, Sets and typed arrays.`,
    };
  }
}

function outcomeOf(request: StepRequest, decision: Decision): AgentOutcome {
  return { decision, usage: NO_USAGE, transcript: [], endedAt: request.clock.now() };
}

function describeError(error: unknown): string {
  return describeThrown(error);
}
