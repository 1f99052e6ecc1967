import {
  answerRun,
  type BatonError,
  cancelRun,
  check,
  defineAgent,
  defineFlow,
  defineJudge,
  defineStep,
  defineTool,
  type FlowLimits,
  isBatonError,
  MemoryStore,
  type ModelRequest,
  resumeRun,
  runFlow,
  type StoredRunResult,
} from 'baton-flow';
import { manualClock, type ScriptStep, scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';

const Ticket = Type.Object({ id: Type.String(), text: Type.String() });
const Resolution = Type.Object({ id: Type.String(), answer: Type.String() });

/** The content of the last tool message of a request, or null. */
function lastToolResult(request: Pick<ModelRequest, 'messages'>): string | null {
  const last = request.messages[request.messages.length - 1];
  return last?.role === 'tool' ? last.content : null;
}

/**
 * A support flow whose one agent asks the customer for the serial number, then refunds (a tool that needs
 * approval over $100), then finishes with what it learnt. The model is a responder that reads its own
 * messages, as a real model would, not the runtime's state.
 */
function supportFlow(options: { limits?: FlowLimits; refund?: number; ran?: string[] } = {}) {
  const ran = options.ran ?? [];
  const refund = defineTool({
    name: 'refund',
    description: 'Refunds an amount to the customer.',
    input: Type.Object({ amount: Type.Number() }),
    needsApproval: ({ amount }) => amount > 100,
    run: ({ input, idempotencyKey }) => {
      ran.push(`${input.amount}:${idempotencyKey}`);
      return { refunded: input.amount };
    },
  });
  const respond = (request: ModelRequest): ScriptStep => {
    const turns = request.messages.filter((m) => m.role === 'assistant').length;
    const result = lastToolResult(request);
    if (turns === 0) return { ask: 'What is the serial number?' };
    if (turns === 1) return { tool: 'refund', args: { amount: options.refund ?? 50 } };
    const serial = request.messages.find((m) => m.role === 'tool' && m.name === 'ask_human');
    return {
      finish: {
        id: 'T-1',
        answer: `serial ${serial?.role === 'tool' ? serial.content : '?'}; refund: ${result ?? '?'}`,
      },
    };
  };
  const model = scripted(respond);
  const tech = defineAgent({
    name: 'tech',
    description: 'Solves technical tickets.',
    input: Ticket,
    instructions: 'Ask for what you need, refund if due, then finish.',
    model,
    tools: [refund],
    ask: true,
  });
  const flow = defineFlow({
    id: 'support-human',
    input: Ticket,
    output: Resolution,
    start: 'tech',
    agents: [tech],
    finish: ['tech'],
    ...(options.limits ? { limits: options.limits } : {}),
  });
  return { flow, model, ran };
}

const ticket = { id: 'T-1', text: 'My printer is broken.' };

async function rejection(promise: Promise<unknown>): Promise<BatonError> {
  try {
    await promise;
  } catch (error) {
    if (isBatonError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

function waiting<O>(result: StoredRunResult<O>) {
  if (result.status !== 'awaiting_human') throw new Error(`expected a wait, got ${JSON.stringify(result)}`);
  return result;
}

describe('human waits', () => {
  it('parks an ask as awaiting_human, held by no process, and goes on with the answer', async () => {
    const store = new MemoryStore();
    const { flow, model } = supportFlow();
    const first = waiting(await runFlow(flow, ticket, { store, runId: 'run-1' }));
    expect(first.question).toMatchObject({
      id: 'q1',
      kind: 'ask',
      agent: 'tech',
      question: 'What is the serial number?',
      answer: { type: 'string' },
      expiresAt: null,
    });
    expect(await store.get('run-1')).toMatchObject({ status: 'awaiting_human', lease: null });
    expect(model.requests).toHaveLength(1);

    const done = await answerRun(flow, 'run-1', 'SN-1234', { store, question: 'q1' });
    expect(done.status).toBe('done');
    expect(done.status === 'done' && done.output).toEqual({
      id: 'T-1',
      answer: 'serial SN-1234; refund: {"refunded":50}',
    });
    // The model got the answer as the result of its own ask_human call, and its own earlier turn.
    const next = model.requests[1]!;
    expect(next.messages.map((m) => m.role)).toEqual(['assistant', 'tool']);
    expect(lastToolResult(next)).toBe('SN-1234');
    const stored = await store.events('run-1');
    expect(
      stored.filter((e) => e.type === 'transition').map((e) => e.type === 'transition' && e.kind),
    ).toEqual(['wait', 'answer', 'finish']);
    // The agent's one visit is one budget: the answer continues it, it is not a handoff.
    expect(done.usage.handoffs).toBe(0);
  });

  it('refuses an invalid answer with its violations and changes nothing', async () => {
    const store = new MemoryStore();
    const { flow } = supportFlow();
    await runFlow(flow, ticket, { store, runId: 'run-2' });
    const before = await store.get('run-2');
    for (const bad of ['', 42, { text: 'x' }, null]) {
      const error = await rejection(answerRun(flow, 'run-2', bad, { store }));
      expect(error.code).toBe('invalid_answer');
      expect(error.message).toContain('q1');
    }
    expect(await store.get('run-2')).toEqual(before);
  });

  it('takes the first answer; a second to the same question gets the recorded one', async () => {
    const store = new MemoryStore();
    const { flow } = supportFlow();
    await runFlow(flow, ticket, { store, runId: 'run-3' });
    const [a, b] = await Promise.allSettled([
      answerRun(flow, 'run-3', 'SN-A', { store, question: 'q1' }),
      answerRun(flow, 'run-3', 'SN-B', { store, question: 'q1' }),
    ]);
    const won = [a, b].filter((r) => r.status === 'fulfilled');
    const lost = [a, b].filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const error = (lost[0] as PromiseRejectedResult).reason as BatonError;
    expect(error.code).toBe('already_answered');
    const result = (won[0] as PromiseFulfilledResult<StoredRunResult>).value;
    const winner = result.status === 'done' ? String((result.output as { answer: string }).answer) : '';
    expect(winner).toContain(`serial ${error.details.answer as string}`);
    // Later, the same answer again is refused the same way, and an answer without a question id is
    // refused because the run has ended.
    expect((await rejection(answerRun(flow, 'run-3', 'SN-C', { store, question: 'q1' }))).code).toBe(
      'already_answered',
    );
    expect((await rejection(answerRun(flow, 'run-3', 'SN-C', { store }))).code).toBe('run_finished');
  });

  it('refuses answers to unknown, running and finished runs', async () => {
    const store = new MemoryStore();
    const { flow } = supportFlow();
    expect((await rejection(answerRun(flow, 'nope', 'x', { store }))).code).toBe('run_not_found');
    let release: () => void = () => undefined;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const finish = {
      text: '',
      toolCalls: [{ id: 'c1', name: 'finish', arguments: { id: 'T-1', answer: 'ok' } }],
      stop: 'tool_calls' as const,
      usage: { inputTokens: 10, outputTokens: 5 },
    };
    const running = runFlow(flow, ticket, {
      store,
      runId: 'run-4',
      models: { id: 'held', call: () => hold.then(() => finish) },
    });
    while ((await store.get('run-4'))?.status !== 'running') await new Promise((r) => setTimeout(r, 5));
    expect((await rejection(answerRun(flow, 'run-4', 'x', { store }))).code).toBe('not_waiting');
    release();
    expect((await running).status).toBe('done');
    expect((await rejection(answerRun(flow, 'run-4', 'x', { store }))).code).toBe('run_finished');
  });

  it('runs a tool that needs approval only once it is approved, exactly once', async () => {
    const store = new MemoryStore();
    const { flow, model, ran } = supportFlow({ refund: 250 });
    waiting(await runFlow(flow, ticket, { store, runId: 'run-5' }));
    const approval = waiting(await answerRun(flow, 'run-5', 'SN-9', { store }));
    expect(approval.question).toMatchObject({
      id: 'q2',
      kind: 'approval',
      tool: 'refund',
      arguments: { amount: 250 },
    });
    expect(approval.question.question).toContain('"refund"');
    expect(ran).toEqual([]);
    expect((await rejection(answerRun(flow, 'run-5', { approved: false }, { store }))).code).toBe(
      'invalid_answer',
    );
    const done = await answerRun(flow, 'run-5', { approved: true }, { store, question: 'q2' });
    expect(done.status).toBe('done');
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatch(/^250:run-5:3:0:/);
    expect(model.requests).toHaveLength(3);
  });

  it('tells the model a rejected call was not run, with the reason', async () => {
    const store = new MemoryStore();
    const { flow, model, ran } = supportFlow({ refund: 250 });
    await runFlow(flow, ticket, { store, runId: 'run-6' });
    await answerRun(flow, 'run-6', 'SN-9', { store });
    const done = await answerRun(flow, 'run-6', { approved: false, reason: 'over the limit' }, { store });
    expect(done.status).toBe('done');
    expect(ran).toEqual([]);
    expect(lastToolResult(model.requests[2]!)).toBe('Not run: a person rejected this call: over the limit');
  });

  it('asks for approval when the predicate throws or returns a non-boolean (fails closed)', async () => {
    for (const needsApproval of [
      () => {
        throw new Error('boom');
      },
      () => 'yes' as unknown as boolean,
      () => undefined as unknown as boolean,
    ]) {
      const store = new MemoryStore();
      const ran: string[] = [];
      const pay = defineTool({
        name: 'pay',
        description: 'Pays.',
        input: Type.Object({}),
        needsApproval,
        run: () => {
          ran.push('paid');
          return 'ok';
        },
      });
      const payer = defineAgent({
        name: 'payer',
        description: 'Pays.',
        input: Ticket,
        instructions: 'Pay, then finish.',
        model: scripted([{ tool: 'pay', args: {} }, { finish: { id: 'T-1', answer: 'paid' } }]),
        tools: [pay],
      });
      const flow = defineFlow({
        id: 'pay',
        input: Ticket,
        output: Resolution,
        start: 'payer',
        agents: [payer],
        finish: ['payer'],
      });
      const result = waiting(await runFlow(flow, ticket, { store }));
      expect(result.question.kind).toBe('approval');
      expect(ran).toEqual([]);
    }
  });

  it('without a store, an ask or an approval ends the run needs_human, as before', async () => {
    const { flow } = supportFlow();
    const result = await runFlow(flow, ticket);
    expect(result.status).toBe('escalated');
    expect(result.status === 'escalated' && result.reason).toMatchObject({
      code: 'needs_human',
      details: { question: 'What is the serial number?' },
    });
    const pay = defineTool({
      name: 'pay',
      description: 'Pays.',
      input: Type.Object({}),
      needsApproval: true,
      run: () => 'ok',
    });
    const payer = defineAgent({
      name: 'payer',
      description: 'Pays.',
      input: Ticket,
      instructions: 'Pay.',
      model: scripted([{ tool: 'pay', args: {} }]),
      tools: [pay],
    });
    const payFlow = defineFlow({
      id: 'pay',
      input: Ticket,
      output: Resolution,
      start: 'payer',
      agents: [payer],
      finish: ['payer'],
    });
    const paid = await runFlow(payFlow, ticket);
    expect(paid.status === 'escalated' && paid.reason).toMatchObject({
      code: 'needs_human',
      details: { tool: 'pay' },
    });
  });

  it('ends a wait nobody answered in time as human_timeout: on a late answer, or on resume', async () => {
    const clock = manualClock(1_000);
    const store = new MemoryStore();
    const { flow, model } = supportFlow({ limits: { humanMs: 60_000 } });
    const first = waiting(await runFlow(flow, ticket, { store, runId: 'run-7', clock }));
    expect(first.question.expiresAt).toBe(61_000);
    const early = await rejection(resumeRun(flow, 'run-7', { store, clock }));
    expect(early.code).toBe('run_waiting');
    expect(early.message).toContain('What is the serial number?');
    clock.advance(60_000);
    const late = await answerRun(flow, 'run-7', 'SN-1', { store, clock });
    expect(late.status).toBe('escalated');
    expect('reason' in late && late.reason).toMatchObject({ code: 'human_timeout', agent: 'tech' });
    expect(model.requests).toHaveLength(1);
    expect(await store.get('run-7')).toMatchObject({ status: 'escalated', lease: null });

    await runFlow(flow, ticket, { store, runId: 'run-8', clock });
    clock.advance(60_001);
    const swept = await resumeRun(flow, 'run-8', { store, clock });
    expect('reason' in swept && swept.reason.code).toBe('human_timeout');
  });

  it('does not count the time waiting for a person against the run deadline', async () => {
    const clock = manualClock(0);
    const store = new MemoryStore();
    const { flow } = supportFlow({ limits: { ms: 10_000 } });
    await runFlow(flow, ticket, { store, runId: 'run-9', clock });
    clock.advance(3_600_000); // an hour later
    const done = await answerRun(flow, 'run-9', 'SN-1', { store, clock });
    expect(done.status).toBe('done');
  });

  it('bounds the answers of a run by limits.asks, and check proves the wait terminates', async () => {
    const store = new MemoryStore();
    const chatty = defineAgent({
      name: 'tech',
      description: 'Asks forever.',
      input: Ticket,
      instructions: 'Ask.',
      model: scripted(() => ({ ask: 'And then?' })),
      budget: { turns: 100 },
      ask: true,
    });
    const flow = defineFlow({
      id: 'chatty',
      input: Ticket,
      output: Resolution,
      start: 'tech',
      agents: [chatty],
      finish: ['tech'],
      limits: { asks: 3 },
    });
    expect(check(flow).filter((d) => d.severity === 'error')).toEqual([]);
    let result: StoredRunResult = await runFlow(flow, ticket, { store, runId: 'run-10' });
    for (let i = 0; i < 3; i += 1) result = await answerRun(flow, 'run-10', `answer ${i}`, { store });
    expect(result.status).toBe('escalated');
    expect('reason' in result && result.reason).toMatchObject({ code: 'needs_human' });
    expect('reason' in result && result.reason.message).toContain('limits.asks');
  });

  it('a cancel ends a waiting run at once, and a later answer is refused', async () => {
    const store = new MemoryStore();
    const { flow } = supportFlow();
    await runFlow(flow, ticket, { store, runId: 'run-11' });
    expect(await cancelRun(store, 'run-11')).toBe('cancelled');
    expect((await rejection(answerRun(flow, 'run-11', 'x', { store }))).code).toBe('run_finished');
  });

  it('refuses an answer for another question than the one the run waits on', async () => {
    const store = new MemoryStore();
    const { flow } = supportFlow({ refund: 500 });
    await runFlow(flow, ticket, { store, runId: 'run-12' });
    await answerRun(flow, 'run-12', 'SN-1', { store, question: 'q1' });
    // The run now waits on the approval q2: a late second answer to q1 does not approve the refund.
    const error = await rejection(answerRun(flow, 'run-12', { approved: true }, { store, question: 'q1' }));
    expect(error.code).toBe('already_answered');
    expect(error.details).toMatchObject({ question: 'q1', answer: 'SN-1' });
    expect((await store.get('run-12'))?.status).toBe('awaiting_human');
  });
});

describe('a limit whose policy is wait', () => {
  /** An agent that looks things up forever: each turn calls its tool with new arguments. */
  function busyFlow(limitPolicy: { turns?: 'wait' | 'escalate' } = { turns: 'wait' }) {
    const look = defineTool({
      name: 'look',
      description: 'Looks.',
      input: Type.Object({ n: Type.Number() }),
      run: ({ input }) => input.n,
    });
    const model = scripted((request) => {
      const looked = request.messages.filter((m) => m.role === 'tool').length;
      if (looked >= 5) return { finish: { id: 'T-1', answer: `looked ${looked} times` } };
      return { tool: 'look', args: { n: looked } };
    });
    const worker = defineAgent({
      name: 'tech',
      description: 'Looks things up.',
      input: Ticket,
      instructions: 'Look, then finish.',
      model,
      tools: [look],
      budget: { turns: 20 },
    });
    const flow = defineFlow({
      id: 'busy',
      input: Ticket,
      output: Resolution,
      start: 'tech',
      agents: [worker],
      finish: ['tech'],
      limits: { turns: 3 },
      limitPolicy,
    });
    return { flow, model };
  }

  it('asks a person for as much again when the turns run out, and goes on where it stopped', async () => {
    const store = new MemoryStore();
    const { flow, model } = busyFlow();
    expect(check(flow).filter((d) => d.severity === 'error')).toEqual([]);
    const first = waiting(await runFlow(flow, ticket, { store, runId: 'limit-1' }));
    expect(first.question).toMatchObject({ kind: 'limit', code: 'turn_limit', agent: 'tech' });
    expect(first.question.question).toContain('Allow as much again?');
    expect(model.requests).toHaveLength(3);
    const done = await answerRun(flow, 'limit-1', { approved: true }, { store });
    expect(done.status === 'done' && done.output).toEqual({ id: 'T-1', answer: 'looked 5 times' });
    expect(done.usage.turns).toBe(6);
    // The continued visit kept its messages: the model did not start over.
    expect(model.requests[3]!.messages.filter((m) => m.role === 'tool')).toHaveLength(3);
  });

  it('ends with the limit code and the reason when the person refuses', async () => {
    const store = new MemoryStore();
    const { flow } = busyFlow();
    await runFlow(flow, ticket, { store, runId: 'limit-2' });
    const ended = await answerRun(flow, 'limit-2', { approved: false, reason: 'too costly' }, { store });
    expect(ended.status).toBe('escalated');
    expect('reason' in ended && ended.reason.code).toBe('turn_limit');
    expect('reason' in ended && ended.reason.message).toContain('A person refused more: too costly');
  });

  it('escalates as before without a store, or with the escalate policy', async () => {
    const { flow } = busyFlow();
    const unkept = await runFlow(flow, ticket);
    expect(unkept.status === 'escalated' && unkept.reason.code).toBe('turn_limit');
    const store = new MemoryStore();
    const plain = await runFlow(busyFlow({ turns: 'escalate' }).flow, ticket, { store });
    expect('reason' in plain && plain.reason.code).toBe('turn_limit');
  });

  it('refuses a policy for a counter that bounds cycles, at definition', () => {
    expect(() =>
      defineFlow({
        id: 'bad',
        input: Ticket,
        output: Resolution,
        start: 'tech',
        agents: [supportFlow().flow.agents.get('tech')!],
        finish: ['tech'],
        limitPolicy: { handoffs: 'wait' } as never,
      }),
    ).toThrow(/limitPolicy.handoffs is not a limit that can wait/);
  });
});

describe('critical assumptions', () => {
  const Answer = Type.Object({
    id: Type.String(),
    answer: Type.String(),
    assumptions: Type.Array(Type.Object({ text: Type.String(), critical: Type.Boolean() })),
  });

  function assumingFlow(results: readonly unknown[]) {
    const model = scripted(results.map((finish) => ({ finish })));
    const tech = defineAgent({
      name: 'tech',
      description: 'Answers.',
      input: Ticket,
      output: Answer,
      instructions: 'Answer; list what you assumed.',
      model,
    });
    const flow = defineFlow({
      id: 'assuming',
      input: Ticket,
      output: Answer,
      start: 'tech',
      agents: [tech],
      finish: ['tech'],
      assumptions: 'assumptions',
    });
    return { flow, model };
  }
  const risky = {
    id: 'T-1',
    answer: 'reset it',
    assumptions: [{ text: 'the device is a P-100', critical: true }],
  };
  const safe = {
    id: 'T-1',
    answer: 'reset it',
    assumptions: [{ text: 'it is plugged in', critical: false }],
  };

  it('finishes at once on assumptions that are not critical', async () => {
    const { flow } = assumingFlow([safe]);
    expect((await runFlow(flow, ticket, { store: new MemoryStore() })).status).toBe('done');
  });

  it('waits for a person to confirm a critical assumption before done', async () => {
    const store = new MemoryStore();
    const { flow, model } = assumingFlow([risky]);
    const first = waiting(await runFlow(flow, ticket, { store, runId: 'assume-1' }));
    expect(first.question).toMatchObject({ kind: 'confirm', agent: 'tech', output: risky });
    expect(first.question.question).toContain('- the device is a P-100');
    const done = await answerRun(flow, 'assume-1', { approved: true }, { store });
    expect(done.status === 'done' && done.output).toEqual(risky);
    expect(model.requests).toHaveLength(1);
  });

  it('sends the worker the reason when the person does not confirm, and it finishes again', async () => {
    const store = new MemoryStore();
    const { flow, model } = assumingFlow([risky, safe]);
    await runFlow(flow, ticket, { store, runId: 'assume-2' });
    const done = await answerRun(flow, 'assume-2', { approved: false, reason: 'it is a P-200' }, { store });
    expect(done.status === 'done' && done.output).toEqual(safe);
    const told = model.requests[1]!.messages.at(-1);
    expect(told?.role === 'tool' && told.content).toContain(
      'did not confirm the critical assumptions of your result: it is a P-200',
    );
  });

  /** A flow whose only finisher is a code step that answers on a critical assumption; with a judge or not. */
  function steppedFlow(judged: boolean) {
    const draft = defineStep({
      name: 'draft',
      description: 'Drafts the answer from a template.',
      input: Ticket,
      output: Answer,
      run: () => risky,
    });
    const model = scripted([{ finish: { verdicts: [{ id: 'clear', pass: true, evidence: 'one step' }] } }]);
    return defineFlow({
      id: 'stepped',
      input: Ticket,
      output: Answer,
      start: 'draft',
      agents: [draft],
      finish: ['draft'],
      assumptions: 'assumptions',
      ...(judged
        ? {
            verify: {
              criteria: [{ id: 'clear', description: 'The answer is clear.', judge: true }],
              judge: defineJudge({ name: 'judge', instructions: 'Judge strictly.', model }),
            },
          }
        : {}),
    });
  }

  it('ends needs_human on a code step’s critical assumption, in a store too: a step cannot rework it', async () => {
    for (const judged of [false, true]) {
      const flow = steppedFlow(judged); // defined: the judge's wait is only for an agent's result
      const result = await runFlow(flow, ticket, { store: new MemoryStore() });
      expect(
        result.status === 'escalated' && [result.reason.code, result.reason.agent],
        `judged: ${judged}`,
      ).toEqual(['needs_human', 'draft']);
      expect(result.status === 'escalated' && result.reason.message).toContain(
        'Code step "draft" finished on critical assumptions',
      );
      expect(result.status === 'escalated' && result.partial).toEqual(risky);
      expect(check(flow).filter((d) => d.severity === 'error')).toEqual([]);
    }
  });

  it('ends needs_human without a store, keeping the result as the partial', async () => {
    const { flow } = assumingFlow([risky]);
    const result = await runFlow(flow, ticket);
    expect(result.status === 'escalated' && result.reason.code).toBe('needs_human');
    expect(result.status === 'escalated' && result.partial).toEqual(risky);
    expect(check(flow).filter((d) => d.severity === 'error')).toEqual([]);
  });
});
