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
 * The request's signal aborts at the run's deadline or on cancel. From then on the attempt starts
 * nothing and takes nothing: it stops waiting at once, even for a model or tool that ignores the signal,
 * and what such a model or tool returns later is neither metered nor logged.
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
    let answer: unknown;
    try {
      answer = await untilAborted(request.model.call(attempt.call(cap, signal)), signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw asProviderError(error, request.agent.name, request.model.id);
    }
    const { reply, outcome } = attempt.take(answer);
    if (outcome) return outcome;
    for (const c of reply.toolCalls) {
      const tool = attempt.ownTool(c);
      if (!tool) continue;
      const message = await untilAborted(runTool(tool, c, request), signal);
      attempt.messages.push(message);
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

/**
 * `work`, or a rejection with the signal's reason as soon as the signal aborts, whichever comes first:
 * a call that ignores its signal cannot hold the attempt.
 */
export function untilAborted<T>(work: Promise<T> | T, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(work).then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) reject(signal.reason);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(signal.aborted ? signal.reason : error);
      },
    );
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
