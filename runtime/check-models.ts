import { assertPrice, type Model } from '../agents/model.js';
import { kindOf } from '../contracts/arguments.js';
import { BatonError } from '../contracts/errors.js';
import type { AnyFlow } from '../machines/define-flow.js';

/** Whether a value is a model: an object with a string `id` and a `call` function. */
function isModel(value: unknown): value is Model {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { id?: unknown }).id === 'string' &&
    typeof (value as { call?: unknown }).call === 'function'
  );
}

/** Whether a value is a plain object (`{ ... }` or `Object.create(null)`), not an array or a class instance. */
function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A value's kind, said for a person: `null`, `an array`, `a string ("gpt")`, `an object without call`. */
function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function (pass an object with an id and a call function)';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return kindOf(value);
  const missing = [
    typeof (value as { id?: unknown }).id === 'string' ? null : 'a string id',
    typeof (value as { call?: unknown }).call === 'function' ? null : 'a call function',
  ].filter((part) => part !== null);
  return isPlainObject(value)
    ? `an object without ${missing.join(' or ')}`
    : `an instance of ${(value as { constructor?: { name?: unknown } }).constructor?.name ?? 'a class'} without ${missing.join(' or ')}`;
}

/**
 * Checks a run's `models` option before anything runs: absent, a model for every agent, or a plain
 * object of models by agent name. Throws `invalid_argument` for anything else: an array, a string, a
 * number, null, a key that names no agent of the flow (a typo there would leave that agent on its own
 * model, perhaps the paid one), a key that names a code step, or a value that is not a model.
 */
export function checkModelsOption(flow: AnyFlow, models: unknown): void {
  if (models === undefined) return;
  const where = `runFlow(flow "${flow.id}"): options.models`;
  if (isModel(models)) {
    checkPrice(flow, where, models);
    return;
  }
  // The judge of the verify stage calls a model too, so it may be given one.
  const judge = flow.spec.verify?.judge ?? null;
  const agents = [...flow.agents.values(), ...(judge ? [judge] : [])]
    .filter((a) => a.kind === 'agent')
    .map((a) => a.name);
  const forms = `a model (an object with a string id and a call function) or an object of models by agent name (${agents.join(', ') || 'the flow has no model agents'})`;
  if (!isPlainObject(models)) {
    throw new BatonError('invalid_argument', `${where} must be ${forms}, got ${describe(models)}.`, {
      details: { flow: flow.id, agents },
    });
  }
  for (const [key, value] of Object.entries(models)) {
    const agent = flow.agents.get(key) ?? (judge?.name === key ? judge : undefined);
    if (!agent) {
      throw new BatonError(
        'invalid_argument',
        `${where} names "${key}", which is not an agent of the flow (${agents.join(', ')}). ` +
          `Fix the name: a typo there would silently leave the agent on its own model, perhaps the paid one, instead of the model you passed.`,
        { details: { flow: flow.id, key, agents } },
      );
    }
    if (agent.kind !== 'agent') {
      throw new BatonError(
        'invalid_argument',
        `${where} names "${key}", which is a code step and calls no model. Remove the key; the flow's model agents are ${agents.join(', ')}.`,
        { details: { flow: flow.id, key, agents } },
      );
    }
    if (!isModel(value)) {
      throw new BatonError(
        'invalid_argument',
        `${where}.${key} is not a model: it must be an object with a string id and a call function, got ${describe(value)}.`,
        { details: { flow: flow.id, key, agents } },
      );
    }
    checkPrice(flow, `${where}.${key}`, value);
  }
}

/** Refuses a model whose price could not meter a dollar budget (negative, NaN, not a number). */
function checkPrice(flow: AnyFlow, where: string, model: Model): void {
  assertPrice(model.price, 'invalid_argument', `${where} (model "${model.id}") has a price that`, {
    flow: flow.id,
    model: model.id,
  });
}
