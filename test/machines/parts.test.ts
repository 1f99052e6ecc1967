import { defineAgent, type Model } from 'baton-flow';
import {
  agentLogic,
  agentState,
  finishTransition,
  handoffTransition,
  partsMachine,
  provideRunEnv,
  terminalStates,
} from 'baton-flow/parts';
import { manualClock, type ScriptStep, scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { createActor, waitFor } from 'xstate';

const Draft = Type.Object({ text: Type.String() }, { additionalProperties: false });
const agent = (name: string) =>
  defineAgent({
    name,
    description: `Does the ${name} part.`,
    input: Draft,
    instructions: `Do ${name}.`,
    model: scripted([]),
    budget: { turns: 2 },
  });
const writer = agent('writer');
const reviewer = agent('reviewer');

const machine = partsMachine({
  id: 'review',
  initial: 'writer',
  actors: {
    writer: agentLogic(writer, { handoffs: [reviewer] }),
    reviewer: agentLogic(reviewer, { handoffs: [writer], output: Draft }),
  },
  states: {
    writer: agentState({ agent: writer, on: [handoffTransition({ to: reviewer })] }),
    reviewer: agentState({
      agent: reviewer,
      on: [
        finishTransition({
          output: Draft,
          done: ({ output }) => (output as { text: string }).text !== 'bad',
        }),
        handoffTransition({ to: writer, bound: { counter: 'rounds', limit: 2 } }),
      ],
    }),
    ...terminalStates(),
  },
});

async function run(models: Record<string, readonly ScriptStep[] | Model>) {
  const bound = Object.fromEntries(
    Object.entries(models).map(([name, m]) => [
      name,
      Array.isArray(m) ? scripted(m as ScriptStep[]) : (m as Model),
    ]),
  );
  const env = { clock: manualClock(), models: bound, events: { record: () => undefined } };
  const actor = createActor(provideRunEnv(machine, env), { input: { text: 'topic' } });
  actor.start();
  return waitFor(actor, (s) => s.status === 'done');
}

describe('a machine built from parts', () => {
  it('runs to done through its handoffs, counting the bounded one and keeping the result', async () => {
    const end = await run({
      writer: [
        { handoff: 'reviewer', payload: { text: 'v1' } },
        { handoff: 'reviewer', payload: { text: 'v2' } },
      ],
      reviewer: [{ handoff: 'writer', payload: { text: 'shorter' } }, { finish: { text: 'v2 ok' } }],
    });
    expect(end.value).toBe('done');
    expect(end.context).toMatchObject({
      payload: { text: 'v2' },
      counters: { rounds: 1 },
      output: { text: 'v2 ok' },
    });
  });

  it('stops a loop at its bound: the handoff past the limit is not taken and the run fails', async () => {
    const back = { handoff: 'writer', payload: { text: 'again' } } as const;
    const end = await run({
      writer: [1, 2, 3].map((i) => ({ handoff: 'reviewer', payload: { text: `v${i}` } })),
      reviewer: [back, back, back],
    });
    expect(end.value).toBe('failed');
    expect(end.context.counters).toEqual({ rounds: 2 });
  });

  it('takes no handoff whose payload breaks the target’s input contract', async () => {
    const end = await run({ writer: [{ handoff: 'reviewer', payload: { text: 1 } }] });
    expect(end.value).toBe('failed');
    expect(end.context.payload).toEqual({ text: 'topic' });
  });

  it('enters done only when the done predicate holds', async () => {
    const end = await run({
      writer: [{ handoff: 'reviewer', payload: { text: 'v1' } }],
      reviewer: [{ finish: { text: 'bad' } }],
    });
    expect(end.value).toBe('failed');
    expect(end.context.output).toBeNull();
  });

  it('escalates when an agent runs out of turns, and fails when its actor throws', async () => {
    const stuck = await run({ writer: [{ text: 'hmm' }, { text: 'hmm' }] });
    expect(stuck.value).toBe('escalated');
    const broken = await run({ writer: [{ fail: new Error('down') }] });
    expect(broken.value).toBe('failed');
  });
});
