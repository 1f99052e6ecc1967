// The stable reason codes a run can end with, each tagged with the MAST failure mode it answers.

/** A reason code's entry: the MAST failure modes it corresponds to and when it is used. */
export interface ReasonInfo {
  /** The MAST failure modes (`FM-1.1` …) the code answers; empty for one outside the taxonomy. */
  readonly mast: readonly string[];
  /** When a run ends with this code, in one sentence. */
  readonly description: string;
}

/**
 * Every reason code a run that does not end `done` can carry, with its MAST failure modes and when it is
 * used; never renamed or reused. The compiler keeps the table complete. A result's `reason.code` is a key.
 *
 * @example
 * ```ts
 * import { type AnyFlow, REASONS, runFlow } from 'baton-flow';
 *
 * declare const support: AnyFlow;
 *
 * const result = await runFlow(support, { id: 'T-1042' });
 * if (result.status !== 'done') {
 *   const { mast, description } = REASONS[result.reason.code];
 *   console.log(`${result.reason.code} (${mast.join(', ') || 'no MAST mode'}): ${description}`);
 * }
 * ```
 */
export const REASONS = {
  contract_violation: {
    mast: ['FM-1.1', 'FM-2.4'],
    description: 'A handoff payload or a result still fails its schema after the allowed repairs.',
  },
  done_unmet: {
    mast: ['FM-3.1'],
    description: 'A finish still fails the done predicate after the allowed repairs.',
  },
  tool_not_allowed: {
    mast: ['FM-1.2'],
    description:
      'An agent called a tool or a route it does not own, and kept doing so after the allowed repairs.',
  },
  loop_detected: {
    mast: ['FM-1.3'],
    description:
      'An agent would be re-entered with an input it already had, or two agents bounced a task with no progress.',
  },
  handoff_limit: { mast: ['FM-1.5'], description: 'The flow used up its handoff budget.' },
  visit_limit: {
    mast: ['FM-1.5'],
    description: 'An agent would be visited more times than its visit budget allows.',
  },
  turn_limit: { mast: ['FM-1.5'], description: 'An agent or the flow used up its model-turn budget.' },
  token_budget: { mast: ['FM-1.5'], description: 'The token budget cannot pay for another model call.' },
  cost_budget: { mast: ['FM-1.5'], description: 'The cost budget cannot pay for another model call.' },
  deadline: { mast: ['FM-1.5'], description: 'The wall-clock deadline of the run passed.' },
  needs_human: { mast: ['FM-2.2'], description: 'An agent asked a question only a person can answer.' },
  human_timeout: {
    mast: ['FM-2.2'],
    description: 'An agent asked a person a question and nobody answered in time.',
  },
  input_ignored: { mast: ['FM-2.5'], description: 'A worker did not answer every open feedback item.' },
  action_mismatch: {
    mast: ['FM-2.6'],
    description: 'An agent claimed an action that no successful tool call backs.',
  },
  verification_incomplete: {
    mast: ['FM-3.2'],
    description: 'A verdict left an acceptance criterion unchecked.',
  },
  verification_failed: {
    mast: ['FM-3.3'],
    description: 'A verifier or check rejected the result after the allowed rounds.',
  },
  invalid_input: { mast: [], description: 'The flow input failed its schema; no model was called.' },
  provider_error: {
    mast: [],
    description: 'The model provider failed after its retries, or answered what is not a reply.',
  },
  step_failed: { mast: [], description: 'A code step threw, or picked no route it may take.' },
  cancelled: { mast: [], description: "The caller's signal or kill switch stopped the run." },
} as const satisfies Record<string, ReasonInfo>;

/** A stable reason code: see `REASONS`. */
export type ReasonCode = keyof typeof REASONS;
