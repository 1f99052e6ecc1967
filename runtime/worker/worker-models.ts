import type { Model } from '../../agents/model.js';
import type { AnyFlow } from '../../machines/define-flow.js';
import type { Slots } from './slots.js';

/** The models a worker gives the runs of a flow: the agents' own, or the ones it was given. */
export type WorkerModels = Model | Readonly<Record<string, Model>>;

/** Whether a value is one model rather than a record of them. */
function isModel(value: WorkerModels): value is Model {
  return typeof (value as Model).call === 'function' && typeof (value as Model).id === 'string';
}

/**
 * A model that holds one of the agent's slots for each call: at most `limit` calls of the agent are in
 * flight at once across every worker on the database. A call waits for a slot (and stops waiting when the
 * run is aborted).
 */
export function limitedModel(model: Model, key: string, limit: number, slots: Slots): Model {
  const call: Model['call'] = async (request) => {
    const token = await slots.take(key, limit, request.signal);
    try {
      return await model.call(request);
    } finally {
      await slots.give(token);
    }
  };
  return {
    id: model.id,
    ...(model.price ? { price: model.price } : {}),
    ...(model.minOutputTokens === undefined ? {} : { minOutputTokens: model.minOutputTokens }),
    call,
  };
}

/**
 * The `models` option a worker passes to `resumeRun` for a flow's runs: none when it changes nothing; else
 * one model per agent of the flow (the given one or the agent's own), each limited by `limits` when the
 * agent has a limit. Keys of `given` that are not agents of this flow are left out (they are another
 * flow's).
 */
export function modelsFor(
  flow: AnyFlow,
  given: WorkerModels | undefined,
  limits: Readonly<Record<string, number>>,
  slots: Slots,
): WorkerModels | undefined {
  const agents = [...flow.agents.values()].flatMap((agent) => (agent.kind === 'agent' ? [agent] : []));
  const limited = agents.some((agent) => limits[agent.name] !== undefined);
  if (!limited) {
    if (given === undefined || isModel(given)) return given;
    const own = Object.entries(given).filter(([name]) => agents.some((agent) => agent.name === name));
    return own.length === 0 ? undefined : Object.fromEntries(own);
  }
  const models: Record<string, Model> = {};
  for (const agent of agents) {
    const base =
      given === undefined ? agent.model : isModel(given) ? given : (given[agent.name] ?? agent.model);
    const limit = limits[agent.name];
    models[agent.name] = limit === undefined ? base : limitedModel(base, `agent:${agent.name}`, limit, slots);
  }
  return models;
}
