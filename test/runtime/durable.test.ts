import {
  BatonError,
  cancelRun,
  defineAgent,
  defineFlow,
  defineTool,
  isBatonError,
  MemoryStore,
  type Model,
  type ModelReply,
  type ModelRequest,
  resumeRun,
  runFlow,
  type Store,
} from 'baton-flow';
import { manualClock, scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { chainFlow, Report, Work, work } from '../helpers/flows.js';

const chain = [
  { agent: 'a', handoff: 'b', payload: work(1) },
  { agent: 'b', handoff: 'c', payload: work(2) },
  { agent: 'c', handoff: 'd', payload: work(3) },
  { agent: 'd', handoff: 'e', payload: work(4) },
  { agent: 'e', finish: { ticketId: 'T-1', summary: 'all done' } },
] as const;

/** A reply that hands off, as a provider would send it. */
const handoff = (to: string, payload: unknown, id = 'c1'): ModelReply => ({
  text: '',
  toolCalls: [{ id, name: `handoff_to_${to}`, arguments: payload as Record<string, unknown> }],
  stop: 'tool_calls',
  usage: { inputTokens: 100, outputTokens: 10 },
});

/**
 * A model that answers from `replies` by agent, logging every request's agent and idempotency key, and
 * that never answers (a process killed mid-call) once `dieAt` calls were made.
 */
function logged(replies: Record<string, ModelReply[]>, dieAt = Number.POSITIVE_INFINITY) {
  const calls: { agent: string; key: string }[] = [];
  const model: Model = {
    id: 'logged',
    call: (request: ModelRequest) => {
      calls.push({ agent: request.agent, key: request.idempotencyKey });
      if (calls.length > dieAt) return new Promise<ModelReply>(() => undefined);
      const next = replies[request.agent]?.shift();
      if (!next) throw new Error(`no reply left for ${request.agent}`);
      return Promise.resolve(next);
    },
  };
  return { model, calls };
}

const chainReplies = () => ({
  a: [handoff('b', work(1))],
  b: [handoff('c', work(2))],
  c: [handoff('d', work(3))],
  d: [handoff('e', work(4))],
  e: [
    {
      text: '',
      toolCalls: [{ id: 'f', name: 'finish', arguments: { ticketId: 'T-1', summary: 'all done' } }],
      stop: 'tool_calls',
      usage: { inputTokens: 100, outputTokens: 10 },
    } satisfies ModelReply,
  ],
});

/** Waits until `check` holds, letting promises and the store settle (no timers, no real waits). */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the condition never held');
}

describe('a run kept in a store', () => {
  it('commits every transition and ends with the result stored', async () => {
    const store = new MemoryStore();
    const result = await runFlow(chainFlow(), work(0), { models: scripted(chain), store, runId: 'run-1' });
    expect(result.status).toBe('done');
    const stored = await store.get('run-1');
    expect(stored).toMatchObject({ status: 'done', flow: 'chain', flowVersion: '1', agent: 'e' });
    expect(stored?.usage).toEqual(result.usage);
    expect(stored?.lease).toBeNull();
    expect(await store.events('run-1')).toEqual(result.events);
    // One commit per agent entered, and one for the end.
    expect(stored?.seq).toBe(6);
  });

  it('pays for no model call before the transition into its attempt is committed', async () => {
    const inner = new MemoryStore();
    const order: string[] = [];
    let gate: () => void = () => undefined;
    const store: Store = Object.assign(Object.create(inner) as Store, {
      commit: async (commit: Parameters<Store['commit']>[0]) => {
        if (commit.seq === 2) await new Promise<void>((resolve) => (gate = resolve)); // b's entry commits late
        const outcome = await inner.commit(commit);
        order.push(`commit ${commit.seq} ${commit.agent}`);
        return outcome;
      },
    });
    const { model, calls } = logged(chainReplies());
    const spy: Model = {
      id: 'spy',
      call: (r) => {
        order.push(`call ${r.agent}`);
        return model.call(r);
      },
    };
    const running = runFlow(chainFlow(), work(0), { models: spy, store, runId: 'run-2' });
    await until(() => order.includes('commit 1 a') && calls.length === 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['commit 1 a', 'call a']); // b waits for its commit
    gate();
    expect((await running).status).toBe('done');
    expect(order.indexOf('commit 2 b')).toBeLessThan(order.indexOf('call b'));
  });

  it('resumes after the process died mid-call: committed turns are not paid again, the call in flight is re-sent with its key', async () => {
    const store = new MemoryStore();
    const first = logged(chainReplies(), 3); // a, b and c answer; d's call never comes back
    const dead = manualClock(0);
    void runFlow(chainFlow(), work(0), {
      models: first.model,
      store,
      runId: 'run-3',
      clock: dead,
      leaseMs: 1000,
    });
    await until(() => first.calls.length === 4);
    await until(async () => (await store.get('run-3'))?.agent === 'd');

    const second = logged(chainReplies());
    const later = manualClock(5_000); // after the dead process's lease expired
    const result = await resumeRun(chainFlow(), 'run-3', { models: second.model, store, clock: later });

    const uninterrupted = await runFlow(chainFlow(), work(0), { models: scripted(chain) });
    expect(result.status).toBe('done');
    expect(result.status === 'done' && result.output).toEqual(
      uninterrupted.status === 'done' && uninterrupted.output,
    );
    expect(second.calls.map((c) => c.agent)).toEqual(['d', 'e']);
    expect(second.calls[0]!.key).toBe(first.calls[3]!.key);
    expect(result.path).toEqual(['a', 'b', 'c', 'd', 'e', 'done']);
    // The log goes on where the stored one stopped: one sequence, no event twice.
    expect(result.events.map((e) => e.seq)).toEqual(result.events.map((_, i) => i + 1));
    expect(result.events.filter((e) => e.type === 'run.started')).toHaveLength(1);
  });

  it('replays a journaled tool result instead of running the tool again', async () => {
    let charged = 0;
    const charge = defineTool({
      name: 'charge',
      description: 'Charges the card once.',
      input: Type.Object({ cents: Type.Integer() }),
      run: ({ input, idempotencyKey }) => {
        charged += 1;
        return { ok: true, cents: input.cents, key: idempotencyKey };
      },
    });
    const billing = (model: Model) =>
      defineFlow({
        id: 'billing',
        input: Work,
        output: Report,
        start: 'cashier',
        agents: [
          defineAgent({
            name: 'cashier',
            description: 'Charges and reports.',
            input: Work,
            instructions: 'Charge, then finish.',
            model,
            tools: [charge],
          }),
        ],
        finish: ['cashier'],
      });
    const chargeCall: ModelReply = {
      text: '',
      toolCalls: [{ id: 't1', name: 'charge', arguments: { cents: 500 } }],
      stop: 'tool_calls',
      usage: { inputTokens: 50, outputTokens: 5 },
    };
    const finish: ModelReply = {
      text: '',
      toolCalls: [{ id: 'f', name: 'finish', arguments: { ticketId: 'T-1', summary: 'charged' } }],
      stop: 'tool_calls',
      usage: { inputTokens: 60, outputTokens: 5 },
    };
    const store = new MemoryStore();
    const first = logged({ cashier: [chargeCall, finish] }, 1); // the second call never returns
    void runFlow(billing(first.model), work(0), {
      store,
      runId: 'run-4',
      clock: manualClock(0),
      leaseMs: 1000,
    });
    await until(() => first.calls.length === 2);
    expect(charged).toBe(1);

    const second = logged({ cashier: [finish] });
    const flow = billing(second.model);
    const result = await resumeRun(flow, 'run-4', { store, clock: manualClock(5_000) });
    expect(result.status).toBe('done');
    expect(charged).toBe(1); // the journaled result was replayed
    expect(second.calls).toHaveLength(1); // only the call that was in flight
    expect(second.calls[0]!.key).toBe(first.calls[1]!.key);
    expect(result.usage.turns).toBe(2);
  });

  it('pays for nothing more once another process took its run over while a call was in flight', async () => {
    let charged = 0;
    const charge = defineTool({
      name: 'charge',
      description: 'Charges the card once.',
      input: Type.Object({ cents: Type.Integer() }),
      run: () => {
        charged += 1;
        return { ok: true };
      },
    });
    let answer: (reply: ModelReply) => void = () => undefined;
    const calls: string[] = [];
    const stalled: Model = {
      id: 'stalled',
      call: (request) => {
        calls.push(request.idempotencyKey);
        return new Promise<ModelReply>((done) => {
          answer = done;
        });
      },
    };
    const flow = defineFlow({
      id: 'billing',
      input: Work,
      output: Report,
      start: 'cashier',
      agents: [
        defineAgent({
          name: 'cashier',
          description: 'Charges and reports.',
          input: Work,
          instructions: 'Charge, then finish.',
          model: stalled,
          tools: [charge],
        }),
      ],
      finish: ['cashier'],
    });
    const store = new MemoryStore();
    const running = runFlow(flow, work(0), {
      store,
      runId: 'run-stalled',
      clock: manualClock(0),
      holder: 'worker-a',
      leaseMs: 1000,
    }).catch((error: unknown) => error);
    await until(() => calls.length === 1);
    // worker-a stalled past its lease: worker-b takes the run over (and would send the call again).
    await store.lease('run-stalled', 'worker-b', 2_000, 1000);
    answer({
      text: '',
      toolCalls: [{ id: 't1', name: 'charge', arguments: { cents: 500 } }],
      stop: 'tool_calls',
      usage: { inputTokens: 50, outputTokens: 5 },
    });
    const error = await running;
    expect(isBatonError(error) && [error.code, error.details.holder]).toEqual(['store_conflict', 'worker-b']);
    expect(charged).toBe(0); // the tool did not run for a process that no longer holds the run
    expect(calls).toHaveLength(1); // and no further model call was paid for
    expect(await store.journaled('run-stalled', 1)).toEqual([]); // nor was its reply kept for worker-b
  });

  it('takes a commit whose reply was lost as made: the retry finds it stored and the run goes on', async () => {
    const inner = new MemoryStore();
    let lost = 0;
    // A store whose connection breaks right after it committed, once for a transition and once for the end.
    const store: Store = Object.assign(Object.create(inner) as Store, {
      commit: async (commit: Parameters<Store['commit']>[0]) => {
        const outcome = await inner.commit(commit);
        if ((commit.seq === 2 || commit.status === 'done') && lost < 2) {
          lost += 1;
          throw new BatonError('store_error', 'Connection terminated unexpectedly', { retryable: true });
        }
        return outcome;
      },
    });
    const { model } = logged(chainReplies());
    const result = await runFlow(chainFlow(), work(0), { models: model, store, runId: 'run-lost' });
    expect(lost).toBe(2);
    expect(result.status).toBe('done');
    const stored = await inner.get('run-lost');
    expect(stored).toMatchObject({ status: 'done', lease: null });
    expect((await inner.events('run-lost')).filter((e) => e.type === 'run.ended')).toHaveLength(1);
  });

  it('refuses a lease that is not a whole number of ms from 1 to about 24.8 days, storing nothing', async () => {
    const store = new MemoryStore();
    for (const leaseMs of [0, -5, 1.5, Number.NaN, 3_000_000_000, '30s' as unknown as number]) {
      const error = await runFlow(chainFlow(), work(0), { store, leaseMs, runId: 'run-lease' }).catch(
        (e: unknown) => e,
      );
      expect(error, String(leaseMs)).toMatchObject({
        code: 'invalid_argument',
        message: expect.stringContaining(
          'leaseMs must be a whole number of milliseconds from 1 to 2147483647',
        ),
      });
      await expect(resumeRun(chainFlow(), 'run-lease', { store, leaseMs })).rejects.toMatchObject({
        code: 'invalid_argument',
      });
    }
    expect(await store.list()).toEqual([]);
  });

  it('refuses a second process while the lease is live, and names the holder', async () => {
    const store = new MemoryStore();
    const first = logged(chainReplies(), 1);
    void runFlow(chainFlow(), work(0), {
      models: first.model,
      store,
      runId: 'run-5',
      clock: manualClock(0),
      holder: 'worker-a',
      leaseMs: 1000,
    });
    await until(() => first.calls.length === 2);
    const error = await resumeRun(chainFlow(), 'run-5', {
      store,
      clock: manualClock(10),
      holder: 'worker-b',
    }).catch((e: unknown) => e);
    expect(isBatonError(error) && [error.code, error.details.holder, error.details.expiresAt]).toEqual([
      'lease_held',
      'worker-a',
      1000,
    ]);
  });

  it('rejects what cannot be resumed with a typed error, touching nothing', async () => {
    const store = new MemoryStore();
    await runFlow(chainFlow(), work(0), { models: scripted(chain), store, runId: 'done-run' });
    const before = await store.get('done-run');
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: unknown) => (isBatonError(e) ? e.code : e),
      );
    expect(await codeOf(resumeRun(chainFlow(), 'nope', { store }))).toBe('run_not_found');
    expect(await codeOf(resumeRun(chainFlow(), 'done-run', { store }))).toBe('run_finished');
    expect(await codeOf(cancelRun(store, 'done-run'))).toBe('run_finished');
    expect(await store.get('done-run')).toEqual(before);
  });

  it('refuses a snapshot of a changed flow, naming the state that no longer exists', async () => {
    const store = new MemoryStore();
    const first = logged(chainReplies(), 2);
    void runFlow(chainFlow(), work(0), {
      models: first.model,
      store,
      runId: 'run-6',
      clock: manualClock(0),
      leaseMs: 1,
    });
    await until(async () => (await store.get('run-6'))?.agent === 'c');
    const shorter = defineFlow({
      id: 'chain',
      input: Work,
      output: Report,
      start: 'a',
      agents: [chainAgentLike('a'), chainAgentLike('b')],
      routes: { a: ['b'] },
      finish: ['b'],
    });
    const error = await resumeRun(shorter, 'run-6', { store, clock: manualClock(10) }).catch(
      (e: unknown) => e,
    );
    expect(isBatonError(error) && error.code).toBe('snapshot_incompatible');
    expect(isBatonError(error) && error.message).toContain('states "c", "d", "e" no longer exist');
    const renamed = defineFlow({ ...shorterDefinition(), version: '2' });
    const versioned = await resumeRun(renamed, 'run-6', { store, clock: manualClock(10) }).catch(
      (e: unknown) => e,
    );
    expect(isBatonError(versioned) && versioned.message).toContain(
      'stored by version 1 of the flow, and this is version 2',
    );
  });

  it('cancels from another process at the next transition, without waiting for a lease renewal', async () => {
    const store = new MemoryStore();
    let release: (reply: ModelReply) => void = () => undefined;
    const held = new Promise<ModelReply>((resolve) => (release = resolve));
    const model: Model = {
      id: 'held',
      call: (r) => (r.agent === 'a' ? held : Promise.resolve(handoff('c', work(2)))),
    };
    const clock = manualClock(0);
    const running = runFlow(chainFlow(), work(0), {
      models: model,
      store,
      runId: 'run-8',
      clock,
      leaseMs: 60_000,
    });
    await until(async () => (await store.get('run-8'))?.agent === 'a');
    expect(await cancelRun(store, 'run-8', { clock })).toBe('requested');
    release(handoff('b', work(1))); // a hands off: the commit of b's entry reports the cancel
    const result = await running;
    expect('reason' in result && result.reason).toMatchObject({ code: 'cancelled' });
    expect(result.path).toEqual(['a', 'b', 'cancelled']);
    expect(await store.get('run-8')).toMatchObject({ status: 'cancelled' });
  });

  it('cancels from another process: the advancing one notices at its next lease renewal', async () => {
    const store = new MemoryStore();
    const clock = manualClock(0);
    const first = logged(chainReplies(), 1);
    const running = runFlow(chainFlow(), work(0), {
      models: first.model,
      store,
      runId: 'run-7',
      clock,
      leaseMs: 900,
    });
    await until(() => first.calls.length === 2);
    expect(await cancelRun(store, 'run-7', { clock })).toBe('requested');
    clock.advance(300);
    const result = await running;
    expect('reason' in result && result.reason).toMatchObject({ code: 'cancelled' });
    expect(await store.get('run-7')).toMatchObject({ status: 'cancelled', lease: null });
  });
});

function chainAgentLike(name: string) {
  return defineAgent({
    name,
    description: `Does the ${name} part of the work.`,
    input: Work,
    instructions: `You do ${name}.`,
    model: scripted([]),
  });
}

function shorterDefinition() {
  return {
    id: 'chain' as const,
    input: Work,
    output: Report,
    start: 'a' as const,
    agents: [chainAgentLike('a'), chainAgentLike('b')],
    routes: { a: ['b'] },
    finish: ['b'],
  };
}
