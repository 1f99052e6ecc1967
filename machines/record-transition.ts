import type { FlowContext } from './context.js';
import { AWAITING_HUMAN, VERIFYING } from './flow-events.js';
import type { RunEventSink, TransitionKind } from './run-env.js';

/** The kind of the transition into each final state, for a run that ended there. */
const FINAL_OF: Record<string, TransitionKind> = {
  done: 'finish',
  escalated: 'escalate',
  failed: 'fail',
  cancelled: 'cancel',
};

/**
 * Writes the transition just taken to the run log, read from the verdict it acted on or the ending it
 * set: the run log never infers what happened from a diff of two contexts.
 */
export function recordTransition(events: RunEventSink, context: FlowContext, kind: TransitionKind): void {
  const verdict = context.verdict;
  if (kind === 'handoff' && verdict?.kind === 'handoff') {
    events.record({
      type: 'transition',
      step: verdict.step,
      from: verdict.agent,
      to: verdict.to,
      kind,
      payload: verdict.payload,
    });
    return;
  }
  if ((kind === 'wait' || kind === 'answer') && verdict?.kind === 'wait') {
    const { step, agent, wait } = verdict;
    events.record(
      kind === 'wait'
        ? {
            type: 'transition',
            step,
            from: agent,
            to: AWAITING_HUMAN,
            kind,
            question: wait.id,
            message: wait.question,
          }
        : {
            type: 'transition',
            step: context.step,
            from: AWAITING_HUMAN,
            to: agent,
            kind,
            question: wait.id,
            message: `Answered ${wait.id}.`,
            answer: verdict.answer,
          },
    );
    return;
  }
  if (kind === 'verify' && verdict?.kind === 'verify') {
    events.record({ type: 'transition', step: verdict.step, from: verdict.agent, to: VERIFYING, kind });
    return;
  }
  if (kind === 'revise' && verdict?.kind === 'revise') {
    events.record({
      type: 'transition',
      step: verdict.step,
      from: verdict.agent,
      to: verdict.to,
      kind,
      code: 'verification_failed',
      message: verdict.feedback.message,
    });
    return;
  }
  if (kind === 'repair' && verdict?.kind === 'repair') {
    const { step, agent, feedback, code } = verdict;
    events.record({
      type: 'transition',
      step,
      from: agent,
      to: agent,
      kind,
      code,
      message: feedback.message,
    });
    return;
  }
  const ending = context.ending;
  if (!ending) return;
  if (ending.status === 'done') {
    events.record({
      type: 'transition',
      step: verdict?.step ?? context.step,
      from: verdict?.agent ?? 'start',
      to: 'done',
      kind: 'finish',
    });
    return;
  }
  const { reason: why } = ending;
  events.record({
    type: 'transition',
    step: why.step,
    from: why.agent ?? 'start',
    to: ending.status,
    kind: FINAL_OF[ending.status] ?? kind,
    code: why.code,
    message: why.message,
  });
}
