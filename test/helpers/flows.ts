import { defineAgent, defineFlow, type FlowLimits, type Model } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';

/** A payload every chain agent accepts: the ticket id, notes so far and the step that wrote it. */
export const Work = Type.Object(
  { ticketId: Type.String(), notes: Type.Array(Type.String()), step: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

/** The result of the chain flow. */
export const Report = Type.Object(
  { ticketId: Type.String(), summary: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

const unused = scripted([]);

/** Makes an agent of the chain; its model is replaced per test through runFlow's `models`. */
export function chainAgent<const N extends string>(name: N, model: Model = unused) {
  return defineAgent({
    name,
    description: `Does the ${name} part of the work.`,
    input: Work,
    instructions: `You do ${name}.`,
    model,
  });
}

/** A five-agent chain a → b → c → d → e (four handoffs); e finishes. */
export function chainFlow(limits: FlowLimits = {}) {
  return defineFlow({
    id: 'chain',
    input: Work,
    output: Report,
    start: 'a',
    agents: [chainAgent('a'), chainAgent('b'), chainAgent('c'), chainAgent('d'), chainAgent('e')],
    routes: { a: ['b'], b: ['c'], c: ['d'], d: ['e'] },
    finish: ['e'],
    done: ({ input, output }) => output.ticketId === input.ticketId || 'the report must name the ticket',
    limits: { handoffs: 4, ...limits },
  });
}

/** Two agents that may hand the task back and forth; either may finish. */
export function pingPongFlow(limits: FlowLimits = {}) {
  return defineFlow({
    id: 'pingpong',
    input: Work,
    output: Report,
    start: 'a',
    agents: [chainAgent('a'), chainAgent('b')],
    routes: { a: ['b'], b: ['a'] },
    finish: ['a', 'b'],
    limits,
  });
}

/** A work payload at a step. */
export function work(
  step: number,
  notes: string[] = [],
): { ticketId: string; notes: string[]; step: number } {
  return { ticketId: 'T-1', notes, step };
}

/** A scripted model that takes the chain flow from a to e and finishes with `summary`. */
export function chainModel(summary = 'all done') {
  return scripted([
    { agent: 'a', handoff: 'b', payload: work(1) },
    { agent: 'b', handoff: 'c', payload: work(2) },
    { agent: 'c', handoff: 'd', payload: work(3) },
    { agent: 'd', handoff: 'e', payload: work(4) },
    { agent: 'e', finish: { ticketId: 'T-1', summary } },
  ]);
}
