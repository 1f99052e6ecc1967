import { BatonError } from '../contracts/errors.js';
import type { Clock } from './clock.js';
import { type AgentOutcome, type Decision, NO_USAGE } from './decision.js';
import type { Step } from './define-agent.js';

/** What one run of a code step needs. */
export interface StepRequest {
  readonly step: Step;
  readonly input: unknown;
  /** The agents this step may hand its output to. */
  readonly routes: readonly string[];
  readonly canFinish: boolean;
  readonly clock: Clock;
  readonly signal: AbortSignal;
}

/**
 * Runs a code step and turns its output into a decision: handed to its only route, to the route `next`
 * picks, or finished when the step may finish and has no route to take. No model is called.
 */
export async function runStep(request: StepRequest): Promise<AgentOutcome> {
  const { step } = request;
  const output = await step.run({ input: request.input, signal: request.signal });
  let to: string | null;
  if (step.next) to = step.next({ input: request.input, output });
  else if (request.routes.length === 1 && !request.canFinish) to = request.routes[0]!;
  else to = null;
  let decision: Decision;
  if (to === null) {
    if (!request.canFinish) {
      throw new BatonError(
        'invalid_agent',
        `Step "${step.name}" picked no route and may not finish. Make next() return one of: ${request.routes.join(', ')}.`,
        {
          details: { agent: step.name },
        },
      );
    }
    decision = { kind: 'finish', output, callId: null };
  } else {
    decision = { kind: 'handoff', to, payload: output, callId: null };
  }
  return { decision, usage: NO_USAGE, transcript: [], endedAt: request.clock.now() };
}
