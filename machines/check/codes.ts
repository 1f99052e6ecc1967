/** How bad a diagnostic is: an error fails `assertValid` and `baton check`; a warning is reported only. */
export type Severity = 'error' | 'warning';

/** What a diagnostic code means, its default severity and the MAST failure modes it guards against. */
export interface DiagnosticInfo {
  readonly severity: Severity;
  readonly mast: readonly string[];
  readonly description: string;
}

/**
 * Every diagnostic `check` reports, by its stable code. Codes are never renamed or reused; the compiler
 * keeps this table complete, and `docs/check.md` shows a flow that trips each one.
 *
 * @example
 * ```ts
 * import { DIAGNOSTIC_CODES, type DiagnosticCode } from 'baton-flow';
 *
 * const code: DiagnosticCode = 'unbounded_cycle';
 * const { severity, mast, description } = DIAGNOSTIC_CODES[code];
 * console.log(`${code} (${severity}, ${mast.join(', ')}): ${description}`);
 * ```
 */
export const DIAGNOSTIC_CODES = {
  unreachable_state: {
    severity: 'error',
    mast: [],
    description: 'A state no run can enter from the start: an agent no route leads to.',
  },
  no_path_to_final: {
    severity: 'error',
    mast: ['FM-1.5'],
    description: 'A state from which no final state can be reached (not counting the cancel event).',
  },
  done_unreachable: {
    severity: 'error',
    mast: ['FM-1.5'],
    description: 'The machine has no `done` state, or no run can reach it.',
  },
  unbounded_cycle: {
    severity: 'error',
    mast: ['FM-1.3', 'FM-1.5'],
    description: 'A cycle of transitions none of which is bounded by a finite, never-reset counter guard.',
  },
  missing_error_exit: {
    severity: 'error',
    mast: [],
    description: 'An invoked actor has no `onError` transition, so its failure would leave the run stuck.',
  },
  missing_budget_exit: {
    severity: 'error',
    mast: ['FM-1.5'],
    description: 'An agent state has no transition to `escalated` for a budget stop or a question.',
  },
  unguarded_done: {
    severity: 'error',
    mast: ['FM-3.1'],
    description:
      'A transition enters `done` without the done contract guard (output schema and done predicate).',
  },
  route_target_invalid: {
    severity: 'error',
    mast: ['FM-2.4'],
    description:
      'A handoff goes to a state that runs no agent, or to an agent other than the one its contract names.',
  },
  step_output_mismatch: {
    severity: 'error',
    mast: ['FM-2.4', 'FM-1.1'],
    description: "A code step's output schema does not fit the input schema of an agent it hands off to.",
  },
  finish_output_mismatch: {
    severity: 'error',
    mast: ['FM-1.1'],
    description: "The output schema of an agent that may finish does not fit the flow's output schema.",
  },
  start_input_mismatch: {
    severity: 'error',
    mast: ['FM-2.4'],
    description: "The flow's input schema does not fit the input schema of the agent it starts with.",
  },
  dead_end_agent: {
    severity: 'error',
    mast: ['FM-1.5'],
    description: 'An agent with no route out and no finish: it can only escalate or fail.',
  },
  self_route: {
    severity: 'warning',
    mast: ['FM-1.3'],
    description: 'An agent hands off to itself: a fresh visit with no memory, repetition by design.',
  },
  duplicate_tool_owner: {
    severity: 'warning',
    mast: ['FM-1.2'],
    description: 'Two agents own a tool of the same name: two roles can take the same action.',
  },
  duplicate_description: {
    severity: 'warning',
    mast: ['FM-1.2'],
    description: 'Two agents have the same description, so an agent routing to both cannot tell them apart.',
  },
  chain_too_long: {
    severity: 'warning',
    mast: ['FM-1.4', 'FM-2.4'],
    description: 'The longest handoff chain from start to `done` is longer than `maxChain` (default 4).',
  },
  chain_over_budget: {
    severity: 'warning',
    mast: ['FM-1.5'],
    description: 'Some paths to `done` need more handoffs than `limits.handoffs`: runs taking them escalate.',
  },
  done_out_of_budget: {
    severity: 'error',
    mast: ['FM-1.5'],
    description:
      'Even the shortest path to `done` needs more handoffs, visits or model calls than the limits allow.',
  },
  cost_limit_unpriced: {
    severity: 'warning',
    mast: ['FM-1.5'],
    description:
      "The flow limits its cost in dollars, but an agent's model has no price, so its calls never count.",
  },
  strict_schema_unsupported: {
    severity: 'warning',
    mast: ['FM-1.1'],
    description: "A schema an agent's model sees cannot be sent in OpenAI's strict structured-output mode.",
  },
} as const satisfies Record<string, DiagnosticInfo>;

/** A stable diagnostic code: see `DIAGNOSTIC_CODES`. */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
