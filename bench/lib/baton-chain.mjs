// The Baton chain shared by the `baton` and `baton-scripted` rows: defineFlow + defineAgent, one
// offline model answering every agent, run with runFlow in memory.
import { chainOf, WORK_SCHEMA, work } from './workload.mjs';

/** What the offline model answers for an agent: its payload, as a handoff to the next agent or a finish. */
export function decide(names, name, input) {
  const i = names.indexOf(name);
  const next = names[i + 1];
  return { tool: next ? `handoff_to_${next}` : 'finish', payload: work(name, input) };
}

/** Builds the flow once (the model comes from `makeModel(names)`) and returns a runner. */
export function batonChain({ baton, agents, makeModel, runOptions = {}, limits = {} }) {
  const { defineAgent, defineFlow, runFlow } = baton;
  const names = chainOf(agents);
  const model = makeModel(names);
  const flow = defineFlow({
    id: `chain${agents}`,
    input: WORK_SCHEMA,
    output: WORK_SCHEMA,
    start: names[0],
    agents: names.map((name) =>
      defineAgent({
        name,
        description: `Does the ${name} part of the work.`,
        input: WORK_SCHEMA,
        instructions: `You do ${name}. Hand the ticket on with your note.`,
        model,
      }),
    ),
    routes: Object.fromEntries(names.slice(0, -1).map((name, i) => [name, [names[i + 1]]])),
    finish: [names[names.length - 1]],
    limits: { handoffs: agents - 1, ...limits },
  });
  // No async wrapper: the XState rows hand back toPromise(actor) as it is, so neither row's runner keeps
  // a suspended frame of its own per flow in flight.
  return (input) => runFlow(flow, input, runOptions).then(outputOf);
}

function outputOf(result) {
  if (result.status !== 'done') throw new Error(`baton run ended ${result.status}: ${result.reason.message}`);
  return result.output;
}
