import { runFlow } from 'baton-flow';
import { manualClock, scripted } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { estimateInputTokens } from '../../agents/tokens.js';
import { chainFlow, pingPongFlow, work } from '../helpers/flows.js';

const chain = [
  { agent: 'a', handoff: 'b', payload: work(1) },
  { agent: 'b', handoff: 'c', payload: work(2) },
  { agent: 'c', handoff: 'd', payload: work(3) },
  { agent: 'd', handoff: 'e', payload: work(4) },
  { agent: 'e', finish: { ticketId: 'T-1', summary: 'ok' } },
] as const;

describe('limits', () => {
  it('escalates with handoff_limit when a handoff would pass the budget', async () => {
    const model = scripted(chain.slice(0, 3));
    const result = await runFlow(chainFlow({ handoffs: 2 }), work(0), { models: model });
    expect(result.status).toBe('escalated');
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'handoff_limit',
      mast: ['FM-1.5'],
      agent: 'c',
      step: 3,
    });
    expect(result.usage.handoffs).toBe(2);
    expect(model.requests).toHaveLength(3);
  });

  it('escalates with visit_limit when an agent would be visited once too often', async () => {
    const model = scripted([
      { agent: 'a', handoff: 'b', payload: work(1) },
      { agent: 'b', handoff: 'a', payload: work(2) },
      { agent: 'a', handoff: 'b', payload: work(3) },
    ]);
    const result = await runFlow(pingPongFlow({ visits: 1, handoffs: 10 }), work(0), { models: model });
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'visit_limit',
      agent: 'b',
      step: 2,
    });
    expect(model.requests).toHaveLength(2);
  });

  it('escalates with turn_limit when the flow runs out of model turns', async () => {
    const model = scripted(chain);
    const result = await runFlow(chainFlow({ turns: 3 }), work(0), { models: model });
    expect(result.status !== 'done' && result.reason).toMatchObject({ code: 'turn_limit', agent: 'c' });
    expect(result.usage.turns).toBe(3);
  });

  it("escalates with turn_limit when an agent's own turns run out mid-visit", async () => {
    const model = scripted([
      { agent: 'a', text: 'thinking' },
      { agent: 'a', text: 'still thinking' },
      { agent: 'a', text: 'more' },
      { agent: 'a', text: 'and more' },
    ]);
    const result = await runFlow(chainFlow(), work(0), { models: model });
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'turn_limit',
      agent: 'a',
      step: 1,
    });
    expect(model.requests).toHaveLength(4); // the default agent budget is 4 turns per visit
  });

  it('escalates with token_budget and never overspends by more than the last call’s cap', async () => {
    const usage = { inputTokens: 300, outputTokens: 150 };
    const model = scripted(chain.map((step) => ({ ...step, usage })));
    const budget = 1_000;
    const result = await runFlow(chainFlow({ tokens: budget }), work(0), { models: model });
    expect(result.status).toBe('escalated');
    expect(result.status !== 'done' && result.reason.code).toBe('token_budget');
    const used = result.usage.inputTokens + result.usage.outputTokens;
    const lastCap = model.requests.at(-1)!.maxOutputTokens;
    expect(used).toBeLessThanOrEqual(budget + lastCap);
    for (const [i, request] of model.requests.entries()) {
      expect(request.maxOutputTokens).toBeLessThanOrEqual(budget - i * 450);
    }
  });

  it('reserves the remaining tokens as the cap of each call', async () => {
    const model = scripted(
      chain.map((step) => ({ ...step, usage: { inputTokens: 100, outputTokens: 100 } })),
    );
    await runFlow(chainFlow({ tokens: 2_000 }), work(0), { models: model });
    const caps = model.requests.map((r) => r.maxOutputTokens);
    expect(caps).toHaveLength(5);
    for (const [i, cap] of caps.entries()) {
      expect(cap).toBeLessThanOrEqual(2_000 - 200 * i);
      if (i > 0) expect(cap).toBeLessThan(caps[i - 1]!);
    }
  });

  it('reserves the budget left after the estimated input, and the agent cap when no budget is set', async () => {
    const bounded = scripted(chain);
    await runFlow(chainFlow({ tokens: 2_000 }), work(0), { models: bounded });
    const first = bounded.requests[0]!;
    expect(first.maxOutputTokens).toBe(2_000 - estimateInputTokens(first));
    expect(first.maxOutputTokens).toBeLessThan(2_000);

    const unbounded = scripted(chain);
    await runFlow(chainFlow(), work(0), { models: unbounded });
    expect(unbounded.requests.map((r) => r.maxOutputTokens)).toEqual([4096, 4096, 4096, 4096, 4096]);
  });

  it('escalates with cost_budget when the money runs out', async () => {
    const price = { input: 1_000, output: 2_000 }; // $ per million tokens: dear, so the budget bites fast
    const model = scripted(
      chain.map((step) => ({ ...step, usage: { inputTokens: 100, outputTokens: 50 } })),
      { price },
    );
    const result = await runFlow(chainFlow({ usd: 0.5 }), work(0), { models: model });
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'cost_budget',
      mast: ['FM-1.5'],
    });
    expect(result.usage.costUsd).toBeCloseTo(0.2 * model.requests.length, 10);
    expect(result.usage.costUsd).toBeLessThanOrEqual(0.5 + 0.2);
  });

  it('never sends a cap that is not a number on a free model: usd 0 stops it, usd 1 lets it run', async () => {
    const none = scripted(chain, { price: { input: 0, output: 0 } });
    const stopped = await runFlow(chainFlow({ usd: 0 }), work(0), { models: none });
    expect(stopped.status !== 'done' && stopped.reason).toMatchObject({ code: 'cost_budget' });
    expect(none.requests.every((r) => Number.isInteger(r.maxOutputTokens))).toBe(true);
    const some = scripted(chain, { price: { input: 0, output: 0 } });
    expect((await runFlow(chainFlow({ usd: 1 }), work(0), { models: some })).status).toBe('done');
    expect(some.requests.map((r) => r.maxOutputTokens)).toEqual([4096, 4096, 4096, 4096, 4096]);
  });

  it('escalates with cost_budget on a model whose output is free but whose input is not', async () => {
    const model = scripted(chain, { price: { input: 1_000_000, output: 0 } });
    const result = await runFlow(chainFlow({ usd: 0.000001 }), work(0), { models: model });
    expect(result.status !== 'done' && result.reason).toMatchObject({ code: 'cost_budget' });
    expect(model.requests).toHaveLength(0);
  });

  it('escalates with cost_budget as the spending agent hands off, before the next agent is entered', async () => {
    const price = { input: 1_000, output: 1_000 };
    const model = scripted(
      [{ agent: 'a', handoff: 'b', payload: work(1), usage: { inputTokens: 400, outputTokens: 100 } }],
      { price },
    );
    // The first call costs exactly the budget: the assessment of a's attempt stops the run there.
    const result = await runFlow(chainFlow({ usd: 0.5 }), work(0), { models: model });
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'cost_budget',
      agent: 'a',
      step: 1,
    });
    expect(result.path).toEqual(['a', 'escalated']);
    expect(
      result.events.filter((e) => e.type === 'agent.entered').map((e) => 'agent' in e && e.agent),
    ).toEqual(['a']);
  });

  it('caps each call at the output tokens the money left can buy after the estimated input', async () => {
    const price = { input: 1, output: 2 }; // $ per million tokens
    const usd = 0.005;
    const model = scripted(chain, { price });
    await runFlow(chainFlow({ usd }), work(0), { models: model });
    const first = model.requests[0]!;
    const input = estimateInputTokens(first);
    const affordable = Math.floor(((usd - (input * price.input) / 1e6) * 1e6) / price.output);
    expect(affordable).toBeLessThan(4_096);
    expect(first.maxOutputTokens).toBe(affordable);
  });

  it('escalates with deadline when the run takes too long, without waiting', async () => {
    const clock = manualClock(0);
    const model = scripted([{ agent: 'a', hang: true }]);
    const running = runFlow(chainFlow({ ms: 30_000 }), work(0), { models: model, clock });
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(30_000);
    const result = await running;
    expect(result.status).toBe('escalated');
    expect(result.status !== 'done' && result.reason).toMatchObject({ code: 'deadline', agent: 'a' });
  });

  it('escalates with deadline at the next transition when a visit ends after it', async () => {
    const clock = manualClock(0);
    const model = {
      id: 'slow',
      call: async () => {
        clock.set(5_000);
        return {
          text: '',
          toolCalls: [{ id: 'c1', name: 'handoff_to_b', arguments: work(1) }],
          usage: { inputTokens: 1, outputTokens: 1 },
          stop: 'tool_calls' as const,
        };
      },
    };
    const result = await runFlow(chainFlow({ ms: 1_000 }), work(0), { models: model, clock });
    expect(result.status !== 'done' && result.reason).toMatchObject({
      code: 'deadline',
      agent: 'a',
      step: 1,
    });
    expect(result.path).toEqual(['a', 'escalated']);
  });
});
