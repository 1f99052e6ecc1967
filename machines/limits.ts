import { BatonError } from '../contracts/errors.js';

/** Flow-wide budgets. Every one is hard: running out is a transition to `escalated`, never an exception. */
export interface FlowLimits {
  /** Handoffs in the whole run (default 4). */
  readonly handoffs?: number;
  /** Visits per agent, counting the first (default 2). */
  readonly visits?: number;
  /** Repairs per visit: how often an invalid decision goes back to the agent (default 2). */
  readonly repairs?: number;
  /** Model calls in the whole run (default 32). */
  readonly turns?: number;
  /** Input plus output tokens in the whole run (default: unlimited). */
  readonly tokens?: number;
  /** Cost in US dollars (default: unlimited). */
  readonly usd?: number;
  /** Wall-clock milliseconds from the start of the run (default: no deadline). */
  readonly ms?: number;
}

/** Limits with every default filled in. */
export type ResolvedLimits = { readonly [K in keyof FlowLimits]-?: number };

/** The defaults of `FlowLimits`. */
export const DEFAULT_LIMITS: ResolvedLimits = Object.freeze({
  handoffs: 4,
  visits: 2,
  repairs: 2,
  turns: 32,
  tokens: Number.POSITIVE_INFINITY,
  usd: Number.POSITIVE_INFINITY,
  ms: Number.POSITIVE_INFINITY,
});

/** Fills in defaults and throws `invalid_flow` for a limit that is not a non-negative number. */
export function resolveLimits(flow: string, limits: FlowLimits = {}): ResolvedLimits {
  const resolved: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(limits)) {
    if (!Object.hasOwn(DEFAULT_LIMITS, key)) {
      throw new BatonError(
        'invalid_flow',
        `Flow "${flow}": unknown limit "${key}". Known limits: ${Object.keys(DEFAULT_LIMITS).join(', ')}.`,
        {
          details: { flow, limit: key },
        },
      );
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new BatonError(
        'invalid_flow',
        `Flow "${flow}": limits.${key} must be a number ≥ 0, got ${String(value)}.`,
        {
          details: { flow, limit: key },
        },
      );
    }
    resolved[key] = value;
  }
  return resolved as ResolvedLimits;
}
