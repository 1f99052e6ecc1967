import { BatonError, isBatonError } from '../contracts/errors.js';
import type { Clock } from './clock.js';
import type { AgentOutcome } from './decision.js';
import type { ModelReply } from './model.js';
import { runTool } from './run-tool.js';
import type { VisitRequest } from './visit-request.js';
import { VisitState } from './visit-state.js';

/**
 * Runs one visit of an agent: model turns, its own tools, until it decides (hand off, finish, ask),
 * calls a tool it does not own, or a budget cannot pay for the next call. Never reads another agent's
 * messages: the first message is the validated input.
 */
export async function runVisit(request: VisitRequest): Promise<AgentOutcome> {
  const visit = new VisitState(request);
  for (;;) {
    const cap = visit.reserve();
    if (typeof cap !== 'number') return cap;
    const { deadline } = request.remaining;
    const timer = deadline === null ? null : deadlineSignal(request.signal, deadline, request.clock);
    let reply: ModelReply;
    try {
      reply = await request.model.call(visit.call(cap, timer?.signal ?? request.signal));
    } catch (error) {
      if (timer?.expired()) return visit.deadlinePassed();
      throw asProviderError(error, request.agent.name, request.model.id);
    } finally {
      timer?.dispose();
    }
    const rejected = visit.take(reply);
    if (rejected) return rejected;
    for (const c of reply.toolCalls) {
      const tool = visit.ownTool(c);
      if (tool) visit.messages.push(await runTool(tool, c, request));
    }
    const outcome = visit.decide(reply);
    if (outcome) return outcome;
  }
}

function asProviderError(error: unknown, agent: string, model: string): BatonError {
  if (isBatonError(error)) return error;
  return new BatonError(
    'provider_error',
    `Model "${model}" failed for agent "${agent}": ${error instanceof Error ? error.message : String(error)}`,
    {
      cause: error,
      details: { agent, model },
      retryable: false,
    },
  );
}

/** A signal that aborts with the caller's signal or at the deadline, whichever comes first. */
function deadlineSignal(signal: AbortSignal, deadline: number, clock: Clock) {
  const controller = new AbortController();
  let expired = false;
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const timer = clock.setTimeout(
    () => {
      expired = true;
      controller.abort(new BatonError('aborted', 'The run deadline passed.'));
    },
    Math.max(0, deadline - clock.now()),
  );
  return {
    signal: controller.signal,
    expired: () => expired || (!signal.aborted && clock.now() >= deadline),
    dispose: () => {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}
