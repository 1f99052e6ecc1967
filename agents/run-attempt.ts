import { BatonError, describeThrown, isBatonError } from '../contracts/errors.js';
import type { AgentEventSink } from './agent-events.js';
import type { AttemptRequest } from './attempt-request.js';
import { AttemptState } from './attempt-state.js';
import type { AgentOutcome } from './decision.js';
import type { AnyTool } from './define-tool.js';
import type { FactWrites } from './facts.js';
import type { Message, ModelReply, ToolCall } from './model.js';
import { runTool, type ToolFacts } from './run-tool.js';

/**
 * Runs one attempt of an agent: model turns, its own tools, until it decides (hand off, finish, ask),
 * calls a tool it does not own, or a budget cannot pay for the next call. Never reads another agent's
 * messages: the first message is the validated input.
 *
 * The request's abort is set at the run's deadline or on cancel; the run has then ended already (the
 * machine left the agent state). From then on the attempt starts nothing and takes nothing: what a model
 * or tool that ignored the signal returns later is neither metered nor logged.
 */
export async function runAttempt(request: AttemptRequest): Promise<AgentOutcome> {
  const { abort } = request;
  abort.throwIfAborted();
  enter(request);
  const { journal, step } = request;
  const attempt = new AttemptState(request);
  // After a person decided on the calls that waited for approval, the reply they came in goes on first.
  let pending = attempt.unfinished();
  for (;;) {
    let reply: ReturnType<AttemptState['take']>;
    if (pending) {
      reply = pending;
      pending = null;
    } else {
      // A run kept in a store pays for nothing before the transition into this attempt, and what the
      // attempt got so far, are committed.
      if (journal) await journal.ready(step);
      abort.throwIfAborted();
      const cap = attempt.reserve();
      if (typeof cap !== 'number') return cap;
      let answered = false;
      try {
        const call = attempt.call(cap, abort);
        const key = `model:${call.idempotencyKey}`;
        // A reply journaled before a crash is replayed, not paid for again; a new one goes to the journal.
        const recalled = journal?.recall(step, key);
        const answer = recalled !== undefined ? recalled : await request.model.call(call);
        answered = true;
        // After a deadline or a cancel the run has ended already: what a model that ignored its signal
        // answers late is neither metered nor logged, and nothing more is started.
        abort.throwIfAborted();
        reply = attempt.take(answer);
        // The checked reply is journaled, not the raw answer: it is plain data a store keeps as it is (a
        // custom model's answer may hold what JSON would change or refuse), and taking it again on a
        // replay gives the same reply. An answer that could not be taken is not journaled: after a
        // crash it is asked for again.
        if (journal && recalled === undefined) journal.record(step, key, reply);
      } catch (error) {
        abort.throwIfAborted();
        const failure = asProviderError(error, request.agent.name, request.model.id);
        // The model answered, but with nothing Baton can read or meter: the call may have been billed, so
        // it is charged as reserved and the budgets stay hard.
        if (answered || failure.details.answered === true) attempt.chargeUnread(cap);
        return attempt.failed(failure);
      }
      const refused = attempt.refuseUnknown(reply);
      if (refused) return refused;
    }
    let ended: AgentOutcome | null;
    try {
      ended = await runToolsAndDecide(attempt, reply, request);
    } catch (error) {
      abort.throwIfAborted();
      // A defect while the calls were handled must not lose what the attempt paid for: it ends with its usage.
      return attempt.failed(
        isBatonError(error)
          ? error
          : new BatonError(
              'internal_error',
              `The calls of agent "${request.agent.name}" could not be handled: ${describeThrown(error)}`,
              { cause: error },
            ),
      );
    }
    if (ended) return ended;
  }
}

/** Runs the reply's calls of the agent's own tools, then reads its decision: the outcome that ends the attempt, or null to go on. */
async function runToolsAndDecide(
  attempt: AttemptState,
  reply: ModelReply,
  request: AttemptRequest,
): Promise<AgentOutcome | null> {
  for (const c of reply.toolCalls) {
    const tool = attempt.ownTool(c);
    if (!tool || attempt.answered(c)) continue;
    const repeat = attempt.repeated(tool, c);
    if (repeat !== null && 'role' in repeat) {
      attempt.messages.push(repeat);
      continue;
    }
    if (repeat !== null) return repeat;
    const approval = attempt.approve(tool, c);
    if (approval === 'run') {
      const late = attempt.pastDeadline();
      if (late) return late;
      const done = await toolMessage(tool, c, attempt.turnKey(), request, attempt.toolFacts());
      attempt.wrote(done.writes);
      attempt.messages.push(done.message);
    } else if ('role' in approval) attempt.messages.push(approval);
    else return approval;
  }
  return attempt.decide(reply);
}

/** A tool call's answer and the facts it wrote: what the journal keeps of it. */
interface ToolDone {
  readonly message: Message;
  readonly writes: FactWrites;
}

const NO_WRITES: FactWrites = Object.freeze({});

/** A journaled tool result: `{ message, writes }`, or a bare message as runs stored before facts have it. */
function asToolDone(value: unknown): ToolDone {
  const kept = value as Partial<ToolDone> & { readonly role?: unknown };
  if (kept.message !== undefined) return { message: kept.message, writes: kept.writes ?? NO_WRITES };
  return { message: value as Message, writes: NO_WRITES };
}

/**
 * Runs one of the agent's own tools, or replays its journaled result: a tool call that finished before a
 * crash is not run again, and the facts it wrote are written again from the journal. A new result goes to
 * the journal, committed before the attempt pays again.
 */
async function toolMessage(
  tool: AnyTool,
  call: ToolCall,
  turnKey: string,
  request: AttemptRequest,
  facts: ToolFacts | undefined,
): Promise<ToolDone> {
  const { journal, step, abort } = request;
  const key = `tool:${turnKey}:${call.id}`;
  const recalled = journal?.recall(step, key);
  if (recalled !== undefined) {
    const done = asToolDone(recalled);
    // The events of the crashed process were never committed: the replay records them once.
    const { events } = request;
    const agent = request.agent.name;
    events?.record({ type: 'tool.called', agent, tool: tool.name, callId: call.id, step });
    const ok = !(done.message.role === 'tool' && done.message.isError);
    events?.record({ type: 'tool.returned', agent, tool: tool.name, callId: call.id, ok, step });
    return done;
  }
  // The reply that asked for this call is committed before the tool acts, so its call id (and the
  // tool's idempotency key) is the same after a crash.
  if (journal) await journal.ready(step);
  abort.throwIfAborted();
  const message = await runTool(tool, call, request, `${turnKey}:${call.id}`, facts);
  const writes = facts && Object.keys(facts.written).length > 0 ? facts.written : NO_WRITES;
  if (journal && !abort.aborted)
    journal.record(step, key, writes === NO_WRITES ? message : { message, writes });
  return { message, writes };
}

/** Records that the attempt starts, before it calls anything. */
export function enter(request: {
  readonly agent: { readonly name: string };
  readonly step: number;
  readonly visit?: number | undefined;
  readonly repair?: number | undefined;
  readonly events?: AgentEventSink | undefined;
}): void {
  request.events?.record({
    type: 'agent.entered',
    step: request.step,
    agent: request.agent.name,
    visit: request.visit ?? 0,
    repair: request.repair ?? 0,
  });
}

function asProviderError(error: unknown, agent: string, model: string): BatonError {
  if (isBatonError(error)) return error;
  return new BatonError(
    'provider_error',
    `Model "${model}" failed for agent "${agent}": ${describeThrown(error)}`,
    { cause: error, details: { agent, model }, retryable: false },
  );
}
