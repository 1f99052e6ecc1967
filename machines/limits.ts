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
  /**
   * Wall-clock milliseconds from the start of the run (default: no deadline). Time spent waiting for a
   * person does not count: an answer moves the deadline on by the time the run waited.
   */
  readonly ms?: number;
  /** Questions and approvals a person may answer in one run (default 8): a conversation needs more. */
  readonly asks?: number;
  /**
   * How long a person has to answer a question or an approval, in milliseconds (default: no limit). A
   * later answer, or a resume after it, ends the run `escalated` / `human_timeout`.
   */
  readonly humanMs?: number;
}

/** Limits with every default filled in. */
export type ResolvedLimits = { readonly [K in keyof FlowLimits]-?: number };

/**
 * The defaults of `FlowLimits`: what a flow gets for each limit it does not set.
 *
 * @example
 * ```ts
 * import { DEFAULT_LIMITS, type FlowLimits } from 'baton-flow';
 *
 * const limits: FlowLimits = { handoffs: DEFAULT_LIMITS.handoffs * 2, tokens: 50_000 };
 * ```
 */
export const DEFAULT_LIMITS: ResolvedLimits = Object.freeze({
  handoffs: 4,
  visits: 2,
  repairs: 2,
  turns: 32,
  tokens: Number.POSITIVE_INFINITY,
  usd: Number.POSITIVE_INFINITY,
  ms: Number.POSITIVE_INFINITY,
  asks: 8,
  humanMs: Number.POSITIVE_INFINITY,
});

/**
 * What each limit accepts. Counters (handoffs, visits, repairs, turns) are whole numbers ≥ 0; amounts
 * (tokens, dollars) any number ≥ 0; the deadline a number of milliseconds > 0, since a deadline of 0 would
 * end every run before its first step. Each may be `Infinity` for no limit.
 */
const KINDS: { readonly [K in keyof FlowLimits]-?: 'count' | 'amount' | 'duration' } = {
  handoffs: 'count',
  visits: 'count',
  repairs: 'count',
  turns: 'count',
  tokens: 'amount',
  usd: 'amount',
  ms: 'duration',
  asks: 'count',
  humanMs: 'duration',
};

const EXPECTED = {
  count: 'a whole number ≥ 0',
  amount: 'a number ≥ 0',
  duration: 'a number of milliseconds > 0 (a deadline of 0 would end every run before its first step)',
} as const;

function accepts(kind: 'count' | 'amount' | 'duration', value: number): boolean {
  if (value === Number.POSITIVE_INFINITY) return true;
  if (!Number.isFinite(value)) return false; // NaN and -Infinity
  if (kind === 'count') return Number.isInteger(value) && value >= 0;
  return kind === 'amount' ? value >= 0 : value > 0;
}

/** Fills in defaults and throws `invalid_flow`, naming the flow, the limit and what it accepts, for a limit out of range. */
export function resolveLimits(flow: string, limits: FlowLimits = {}): ResolvedLimits {
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
    throw new BatonError(
      'invalid_flow',
      `Flow "${flow}": \`limits\` must be an object such as { handoffs: 4, ms: 60_000 }, got ${Array.isArray(limits) ? 'an array' : String(limits)}.`,
      { details: { flow } },
    );
  }
  const resolved: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(limits)) {
    if (!Object.hasOwn(KINDS, key)) {
      throw new BatonError(
        'invalid_flow',
        `Flow "${flow}": unknown limit "${key}". Known limits: ${Object.keys(DEFAULT_LIMITS).join(', ')}.`,
        {
          details: { flow, limit: key },
        },
      );
    }
    if (value === undefined) continue;
    const kind = KINDS[key as keyof FlowLimits];
    if (typeof value !== 'number' || !accepts(kind, value)) {
      const got = typeof value === 'string' ? JSON.stringify(value) : String(value);
      throw new BatonError(
        'invalid_flow',
        `Flow "${flow}": limits.${key} must be ${EXPECTED[kind]}, or Infinity for no limit; got ${got}. ` +
          `Set limits.${key} to such a number, or leave it out for the default (${DEFAULT_LIMITS[key as keyof FlowLimits]}).`,
        {
          details: { flow, limit: key },
        },
      );
    }
    resolved[key] = value;
  }
  return resolved as ResolvedLimits;
}
