import {
  type AnyAgent,
  type AnyFlow,
  defineAgent,
  defineFlow,
  defineStep,
  type FlowLimits,
  type Model,
  type ModelReply,
  type ModelRequest,
} from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import Type, { type Static } from 'typebox';
import { Report, Work } from './flows.js';

// The models, tools and flows the attacks of test/runtime/hostile-*.test.ts share.

export const handoff = (
  to: string,
  payload: unknown,
  usage = { inputTokens: 10, outputTokens: 5 },
): ModelReply => ({
  text: '',
  toolCalls: [{ id: `c-${to}`, name: `handoff_to_${to}`, arguments: payload }],
  usage,
  stop: 'tool_calls',
});

/** A model that never looks at its signal: it answers when `release` is called, or never. */
export function deafModel(reply: () => unknown) {
  const calls: ModelRequest[] = [];
  let release: () => void = () => undefined;
  const model: Model = {
    id: 'deaf',
    call: (request) => {
      calls.push(request);
      return new Promise((resolve) => {
        release = () => resolve(reply() as ModelReply);
      });
    },
  };
  return { model, calls, release: () => release() };
}

export const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A model Baton did not write that keeps every request and answers the n-th (from 1) with `answer`,
 * which may be anything, a reply or not.
 */
export function recordingModel(id: string, answer: (request: ModelRequest, n: number) => unknown) {
  const requests: ModelRequest[] = [];
  const model: Model = {
    id,
    call: async (request) => {
      requests.push(request);
      return answer(request, requests.length) as ModelReply;
    },
  };
  return { model, requests };
}

/** A reply that makes `toolCalls`, with the usage given. */
export const callsReply = (
  toolCalls: ModelReply['toolCalls'],
  usage: ModelReply['usage'] = { inputTokens: 10, outputTokens: 5 },
): ModelReply => ({ text: '', toolCalls, usage, stop: 'tool_calls' });

export const FINISH = { ticketId: 'T-1', summary: 'ok' };

/** A flow of one agent or code step that may finish: the shape most of these attacks need. */
export function solo(
  agent: AnyAgent,
  options: { readonly limits?: FlowLimits; readonly done?: unknown } = {},
) {
  return defineFlow({
    id: 'solo',
    input: Work,
    output: Report,
    start: agent.name,
    agents: [agent],
    finish: [agent.name],
    ...options,
  } as never) as AnyFlow;
}

export function agentBase(name: string) {
  return {
    name,
    description: `Does ${name}.`,
    input: Work,
    instructions: `You do ${name}.`,
    model: scripted([]),
  };
}

export function zero() {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, costUsd: 0, turns: 0 };
}

/** A value nested `depth` levels deep. */
export function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = { next: value };
  return value;
}

/** The input of the open flows: a ticket id and anything else. */
export const Open = Type.Object({ ticketId: Type.String(), extra: Type.Optional(Type.Unknown()) });
/** a → b, both taking `Open`; a may hand over or finish, b finishes. */
export const openPair = (a: Model, b?: Model) =>
  defineFlow({
    id: 'open',
    input: Open,
    output: Report,
    start: 'a',
    agents: [
      defineAgent({ ...agentBase('a'), input: Open, model: a }),
      defineAgent({ ...agentBase('b'), input: Open, ...(b ? { model: b } : {}) }),
    ],
    routes: { a: ['b'] },
    finish: ['a', 'b'],
  });

export const openFlow = () => openPair(scripted([]));

/** One code step `s` on `Open` that finishes with what `run` returns. */
export const openStepFlow = (description: string, run: (input: Static<typeof Open>) => unknown) =>
  defineFlow({
    id: 'open-step',
    input: Open,
    output: Open,
    start: 's',
    agents: [
      defineStep({
        name: 's',
        description,
        input: Open,
        output: Open,
        run: ({ input }) => run(input) as never,
      }),
    ],
    finish: ['s'],
  });

/** One agent on `Open` that may finish, whose done predicate hands what it reads of the input to `read`. */
export const readingFlow = (model: Model, read: (input: unknown) => void) =>
  defineFlow({
    id: 'open',
    input: Open,
    output: Report,
    start: 'a',
    agents: [defineAgent({ ...agentBase('a'), input: Open, model })],
    finish: ['a'],
    done: ({ input }) => {
      read(input);
      return true;
    },
  });
