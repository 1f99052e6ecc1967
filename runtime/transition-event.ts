import type { FlowContext } from '../machines/context.js';
import type { RunEventBody, TransitionKind } from './run-events.js';

const FINAL_KIND: Record<string, TransitionKind> = {
  done: 'finish',
  escalated: 'escalate',
  failed: 'fail',
  cancelled: 'cancel',
};

/**
 * Describes how a run moved between two snapshots, or null when no visit ended. The state before is
 * the agent of `before`, or `start` when no agent had been entered yet.
 */
export function transitionEvent(
  before: FlowContext | null,
  after: FlowContext,
  afterState: string,
): RunEventBody | null {
  if (!before || before.agent === null) {
    if (after.ending && after.ending.status !== 'done') {
      return {
        type: 'transition',
        step: 0,
        from: 'start',
        to: afterState,
        kind: FINAL_KIND[afterState] ?? 'fail',
        code: after.ending.reason.code,
      };
    }
    return null;
  }
  const finalKind = FINAL_KIND[afterState];
  if (finalKind && after.ending) {
    const stopped =
      after.ending.status === 'done'
        ? {}
        : { code: after.ending.reason.code, message: after.ending.reason.message };
    return {
      type: 'transition',
      step: before.step,
      from: before.agent,
      to: afterState,
      kind: finalKind,
      ...stopped,
    };
  }
  if (after.step === before.step) return null;
  if (after.repairs > before.repairs && after.agent === before.agent && after.resume) {
    return {
      type: 'transition',
      step: before.step,
      from: before.agent,
      to: afterState,
      kind: 'repair',
      message: after.resume.feedback.message,
    };
  }
  return { type: 'transition', step: before.step, from: before.agent, to: afterState, kind: 'handoff' };
}
