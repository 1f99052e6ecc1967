import { agentDone } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { chainFlow, pingPongFlow, work } from '../helpers/flows.js';

// Transitions tested as pure functions: no actor runs, no model is called.

const start = (flow: ReturnType<typeof chainFlow>, input: unknown = work(0)) =>
  initialTransition(flow.machine, { input, runId: 'r', startedAt: 0 })[0];

describe('flow machine transitions', () => {
  it('enters the start agent on valid input and fails on invalid input', () => {
    const flow = chainFlow();
    const ok = start(flow);
    expect(ok.value).toBe('a');
    expect(ok.context).toMatchObject({ agent: 'a', step: 1, visits: { a: 1 }, path: ['a'] });
    const bad = start(flow, { ticketId: 1 });
    expect(bad.value).toBe('failed');
    expect(bad.output).toMatchObject({ status: 'failed', reason: { code: 'invalid_input' } });
  });

  it('takes a valid handoff to its target and counts it', () => {
    const flow = chainFlow();
    const [next] = transition(
      flow.machine,
      start(flow),
      agentDone(
        'a',
        { kind: 'handoff', to: 'b', payload: work(1), callId: 'c1' },
        { usage: { inputTokens: 10, outputTokens: 5, turns: 1 } },
      ),
    );
    expect(next.value).toBe('b');
    expect(next.context).toMatchObject({
      agent: 'b',
      payload: work(1),
      handoffs: 1,
      step: 2,
      visits: { a: 1, b: 1 },
      partial: work(1),
    });
    expect(next.context.usage).toMatchObject({ inputTokens: 10, outputTokens: 5, turns: 1 });
  });

  it('re-enters the same agent with the violations on an invalid payload', () => {
    const flow = chainFlow();
    const [next] = transition(
      flow.machine,
      start(flow),
      agentDone('a', { kind: 'handoff', to: 'b', payload: { ticketId: 'T-1' }, callId: 'c1' }),
    );
    expect(next.value).toBe('a');
    expect(next.context.repairs).toBe(1);
    const verdict = next.context.verdict;
    expect(verdict).toMatchObject({ kind: 'repair', agent: 'a', step: 1, code: 'contract_violation' });
    expect(verdict?.kind === 'repair' && verdict.feedback).toMatchObject({
      callId: 'c1',
      tool: 'handoff_to_b',
    });
    expect(verdict?.kind === 'repair' && verdict.feedback.message).toContain(
      '/notes: is required but missing',
    );
  });

  it('fails with contract_violation once the repairs are used up', () => {
    const flow = chainFlow({ repairs: 1 });
    const bad = agentDone('a', { kind: 'handoff', to: 'b', payload: {}, callId: 'c1' });
    const [once] = transition(flow.machine, start(flow), bad);
    const [twice] = transition(
      flow.machine,
      once,
      agentDone('a', { kind: 'handoff', to: 'b', payload: {}, callId: 'c2' }),
    );
    expect(twice.value).toBe('failed');
    expect(twice.output).toMatchObject({ status: 'failed', reason: { code: 'contract_violation', step: 2 } });
  });

  it('rejects a handoff to an agent that is not a route as tool_not_allowed', () => {
    const flow = chainFlow({ repairs: 0 });
    const [next] = transition(
      flow.machine,
      start(flow),
      agentDone('a', { kind: 'handoff', to: 'c', payload: work(1), callId: 'c1' }),
    );
    expect(next.output).toMatchObject({
      status: 'failed',
      reason: { code: 'tool_not_allowed', mast: ['FM-1.2'] },
    });
  });

  it('escalates on budgets before it looks at the handoff', () => {
    const flow = chainFlow({ handoffs: 1 });
    const [first] = transition(
      flow.machine,
      start(flow),
      agentDone('a', { kind: 'handoff', to: 'b', payload: work(1), callId: 'c1' }),
    );
    // The payload is invalid too: the budget is what stops the run, before the contract is looked at.
    const [next] = transition(
      flow.machine,
      first,
      agentDone('b', { kind: 'handoff', to: 'c', payload: { bad: true }, callId: 'c2' }),
    );
    expect(next.value).toBe('escalated');
    expect(next.output).toMatchObject({ status: 'escalated', reason: { code: 'handoff_limit' } });
  });

  it('escalates with the budget code an agent reports as exhausted', () => {
    const flow = chainFlow();
    const [next] = transition(
      flow.machine,
      start(flow),
      agentDone('a', { kind: 'exhausted', code: 'token_budget', message: 'no tokens left' }),
    );
    expect(next.output).toMatchObject({
      status: 'escalated',
      reason: { code: 'token_budget', message: 'no tokens left', agent: 'a', step: 1 },
    });
  });

  it('detects a ping-pong with unchanged payloads as a loop', () => {
    const flow = pingPongFlow({ visits: 5, handoffs: 10 });
    let snapshot = initialTransition(flow.machine, { input: work(0) })[0];
    [snapshot] = transition(
      flow.machine,
      snapshot,
      agentDone('a', { kind: 'handoff', to: 'b', payload: work(1), callId: null }),
    );
    [snapshot] = transition(
      flow.machine,
      snapshot,
      agentDone('b', { kind: 'handoff', to: 'a', payload: work(2), callId: null }),
    );
    [snapshot] = transition(
      flow.machine,
      snapshot,
      agentDone('a', {
        kind: 'handoff',
        to: 'b',
        payload: { step: 1, notes: [], ticketId: 'T-1' },
        callId: null,
      }),
    );
    expect(snapshot.value).toBe('escalated');
    expect(snapshot.output).toMatchObject({ reason: { code: 'loop_detected', step: 3 } });
  });

  it('enters done only for a result that meets the output schema and the done predicate', () => {
    const flow = chainFlow({ repairs: 0, handoffs: 10 });
    let snapshot = start(flow);
    for (const [from, to, step] of [
      ['a', 'b', 1],
      ['b', 'c', 2],
      ['c', 'd', 3],
      ['d', 'e', 4],
    ] as const) {
      [snapshot] = transition(
        flow.machine,
        snapshot,
        agentDone(from, { kind: 'handoff', to, payload: work(step), callId: null }),
      );
    }
    const [unmet] = transition(
      flow.machine,
      snapshot,
      agentDone('e', { kind: 'finish', output: { ticketId: 'X', summary: 's' }, callId: 'f' }),
    );
    expect(unmet.output).toMatchObject({
      status: 'failed',
      reason: { code: 'done_unmet', mast: ['FM-3.1'] },
    });
    const [invalid] = transition(
      flow.machine,
      snapshot,
      agentDone('e', { kind: 'finish', output: { ticketId: 'T-1' }, callId: 'f' }),
    );
    expect(invalid.output).toMatchObject({ status: 'failed', reason: { code: 'contract_violation' } });
    const [done] = transition(
      flow.machine,
      snapshot,
      agentDone('e', { kind: 'finish', output: { ticketId: 'T-1', summary: 's' }, callId: 'f' }),
    );
    expect(done.value).toBe('done');
    expect(done.output).toEqual({ status: 'done', output: { ticketId: 'T-1', summary: 's' } });
  });

  it('fails with provider_error on the error event of an agent actor', () => {
    const flow = chainFlow();
    const [next] = transition(flow.machine, start(flow), {
      type: 'xstate.error.actor.a',
      error: new Error('boom'),
      actorId: 'a',
    } as never);
    expect(next.output).toMatchObject({ status: 'failed', reason: { code: 'provider_error', agent: 'a' } });
  });

  it('ends as cancelled on the cancel event from any agent state', () => {
    const flow = chainFlow();
    const [next] = transition(flow.machine, start(flow), { type: 'baton.cancel', reason: 'stop' });
    expect(next.value).toBe('cancelled');
    expect(next.output).toMatchObject({
      status: 'cancelled',
      reason: { code: 'cancelled', message: 'The run was cancelled: stop.' },
    });
  });
});
