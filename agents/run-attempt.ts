import { BatonError, isBatonError } from '../contracts/errors.js';
import type { AgentEventSink } from './agent-events.js';
import type { AttemptRequest } from './attempt-request.js';
import { AttemptState } from './attempt-state.js';
import type { AgentOutcome } from './decision.js';
import { runTool } from './run-tool.js';

/**
 * Runs one attempt of an agent: model turns, its own tools, until it decides (hand off, finish, ask),
 * calls a tool it does not own, or a budget cannot pay for the next call. Never reads another agent's
 * messages: the first message is the validated input.
 *
 * The request's signal aborts at the run's deadline or on cancel; the run has then ended already (the
 * machine left the agent state). From then on the attempt starts nothing and takes nothing: what a model
 * or tool that ignored the signal returns later is neither metered nor logged.
 */
export async function runAttempt(request: AttemptRequest): Promise<AgentOutcome> {
  const { signal } = request;
  if (signal.aborted) throw signal.reason;
  enter(request);
  const attempt = new AttemptState(request);
  for (;;) {
    if (signal.aborted) throw signal.reason;
    const cap = attempt.reserve();
    if (typeof cap !== 'number') return cap;
    let reply: ReturnType<AttemptState['take']>;
    try {
      const answer = await request.model.call(attempt.call(cap, signal));
      // After a deadline or a cancel the run has ended already: what a model that ignored its signal
      // answers late is neither metered nor logged, and nothing more is started.
      if (signal.aborted) throw signal.reason;
      reply = attempt.take(answer);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      return attempt.failed(asProviderError(error, request.agent.name, request.model.id));
    }
    const refused = attempt.refuseUnknown(reply);
    if (refused) return refused;
    for (const c of reply.toolCalls) {
      const tool = attempt.ownTool(c);
      if (!tool) continue;
      attempt.messages.push(await runTool(tool, c, request));
    }
    const decided = attempt.decide(reply);
    if (decided) return decided;
  }
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
    `Model "${model}" failed for agent "${agent}": ${error instanceof Error ? error.message : String(error)}`,
    { cause: error, details: { agent, model }, retryable: false },
  );
}
