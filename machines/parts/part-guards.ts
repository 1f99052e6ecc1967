import type { AgentOutcome, Decision } from '../../agents/decision.js';
import type { JsonSchemaObject } from '../../contracts/schema.js';
import { compiledValidator } from '../../contracts/validator.js';
import type { DonePredicate } from '../flow-spec.js';
import type { PartsContext } from './parts-context.js';

interface GuardArgs {
  readonly context: PartsContext;
  readonly event: { readonly type: string };
}

/** The decision an agent actor's done event carries, or null for any other event. */
export function decisionOf(event: unknown): Decision | null {
  const output = (event as { output?: Partial<AgentOutcome> } | null)?.output;
  const decision = output?.decision;
  return typeof decision === 'object' && decision !== null && typeof decision.kind === 'string'
    ? decision
    : null;
}

function fits(schema: JsonSchemaObject, value: unknown): boolean {
  try {
    return compiledValidator<unknown>(schema, 'guard schema').validate(value).ok;
  } catch {
    return false;
  }
}

/** True while `context.counters[counter]` is below `limit`: the guard `check` accepts as a bound. */
function below(
  { context }: GuardArgs,
  params: { readonly counter: string; readonly limit: number },
): boolean {
  return (context.counters?.[params.counter] ?? 0) < params.limit;
}

/** True when the agent decided one of `kinds`. */
function decided({ event }: GuardArgs, params: { readonly kinds: readonly Decision['kind'][] }): boolean {
  const decision = decisionOf(event);
  return decision !== null && params.kinds.includes(decision.kind);
}

/** True when the agent hands off to `to` with a payload that fits `input`, the target's input schema. */
function handoff(
  { event }: GuardArgs,
  params: { readonly to: string; readonly input: JsonSchemaObject },
): boolean {
  const decision = decisionOf(event);
  return decision?.kind === 'handoff' && decision.to === params.to && fits(params.input, decision.payload);
}

/** The done contract: the agent finishes with a result that fits `output` and for which `done` holds. */
function done(
  { context, event }: GuardArgs,
  params: { readonly output: JsonSchemaObject; readonly done?: DonePredicate | undefined },
): boolean {
  const decision = decisionOf(event);
  if (decision?.kind !== 'finish' || !fits(params.output, decision.output)) return false;
  if (!params.done) return true;
  try {
    return params.done({ input: context.input, output: decision.output }) === true;
  } catch {
    return false;
  }
}

/**
 * The guards of the parts, by the names the parts refer to. Spread them into `setup({ guards })`; `check`
 * accepts a counter bound or a done contract only from these very implementations.
 */
export const partGuards = Object.freeze({
  'baton.below': below,
  'baton.decided': decided,
  'baton.handoff': handoff,
  'baton.done': done,
});
