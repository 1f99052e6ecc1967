import { defineAgent, runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { chainFlow, pingPongFlow, work } from '../helpers/flows.js';
import { agentBase, solo, zero } from '../helpers/hostile.js';

// The verdict in the machine, and what a run keeps in it.

describe('the verdict is a value in the machine', () => {
  it('assesses each attempt once: the done predicate runs once per finish', async () => {
    let calls = 0;
    const flow = solo(defineAgent(agentBase('a')), {
      done: () => {
        calls += 1;
        return calls > 1 || 'not yet';
      },
    });
    const finish = { agent: 'a', finish: { ticketId: 'T-1', summary: 'ok' } } as const;
    const result = await runFlow(flow, work(0), { models: scripted([finish, finish]) });
    expect(result.status).toBe('done');
    expect(calls).toBe(2);
  });

  it('keeps the verdict in a persisted snapshot, which holds plain data and no run environment', async () => {
    const flow = chainFlow();
    const actor = createActor(flow.machine.provide({}), { input: { input: work(0), runId: 'r' } });
    actor.start();
    actor.send({
      type: 'xstate.done.actor.a',
      output: {
        decision: { kind: 'handoff', to: 'b', payload: { bad: 1 }, callId: 'x' },
        usage: zero(),
        transcript: [],
        endedAt: 0,
      },
    } as never);
    const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) as {
      context: { verdict: { kind: string; agent: string; step: number } };
    };
    actor.stop();
    expect(persisted.context.verdict).toMatchObject({ kind: 'repair', agent: 'a', step: 1 });
    expect(JSON.stringify(persisted)).not.toContain('"clock"');
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('baton.runEnvs')]).toBeUndefined();
  });

  it('gives two runs of one machine in flight their own models', async () => {
    const flow = pingPongFlow();
    const finish = (summary: string) => scripted([{ agent: 'a', finish: { ticketId: 'T-1', summary } }]);
    const [one, two] = await Promise.all([
      runFlow(flow, work(0), { models: finish('one') }),
      runFlow(flow, work(0), { models: finish('two') }),
    ]);
    expect(one.status === 'done' && one.output.summary).toBe('one');
    expect(two.status === 'done' && two.output.summary).toBe('two');
  });

  it('records agent.entered before that attempt’s first model call', async () => {
    const model = scripted([{ agent: 'a', finish: { ticketId: 'T-1', summary: 'ok' } }]);
    const result = await runFlow(pingPongFlow(), work(0), { models: model });
    const types = result.events.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(['run.started', 'agent.entered', 'model.called']);
  });
});
