import { MemoryStore, type Model, resumeRun, runFlow } from 'baton-flow';
import { manualClock, scripted } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { sampleInput, support } from '../../examples/support/flow.js';
import { BILLING_CASE, RESOLUTION } from './billing-case.js';
import { flatten, memoryTracer, outline, spanTrees, tickingClock } from './span-tree.js';

/** Waits until `check` holds, letting promises settle (no timers, no real waits). */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the condition never held');
}

describe('OpenTelemetry spans of a resumed run', () => {
  it('traces what the resuming process does, under a run span marked resumed, with the run’s usage so far', async () => {
    const store = new MemoryStore();
    const t0 = 1_700_000_000_000;
    let called = false;
    // Billing's model never answers: the process stopped in that call, as if it had crashed.
    const dead: Model = {
      id: 'dead',
      call: () => {
        called = true;
        return new Promise(() => undefined);
      },
    };
    const triage = scripted([{ agent: 'triage', handoff: 'billing', payload: BILLING_CASE }]);
    runFlow(support, sampleInput, {
      store,
      runId: 'run-r',
      models: { triage, billing: dead },
      clock: manualClock(t0),
      leaseMs: 1_000,
    }).catch(() => undefined);
    await until(async () => called && (await store.get('run-r'))?.agent === 'billing');

    const { tracer, spans } = memoryTracer();
    const billing = scripted(
      [
        { agent: 'billing', tool: 'lookup_invoice', args: { invoiceId: 'INV-7731' } },
        { agent: 'billing', finish: RESOLUTION },
      ],
      { id: 'openai:gpt-5-mini' },
    );
    const result = await resumeRun(support, 'run-r', {
      store,
      tracer,
      models: { billing },
      clock: tickingClock(t0 + 5_000),
    });
    expect(result.status).toBe('done');

    const [root, ...others] = spanTrees(spans());
    expect(others).toEqual([]);
    expect(outline(root!)).toEqual([
      'invoke_workflow support',
      '  invoke_agent billing',
      '    chat gpt-5-mini',
      '    execute_tool lookup_invoice',
      '    chat gpt-5-mini',
    ]);
    expect(root!.attributes).toMatchObject({
      'baton.run.id': 'run-r',
      'baton.run.resumed': true,
      'gen_ai.conversation.id': 'run-r',
      'baton.run.status': 'done',
      'gen_ai.usage.input_tokens': result.usage.inputTokens,
      'gen_ai.usage.output_tokens': result.usage.outputTokens,
    });
    const attempt = root!.children[0]!;
    expect(attempt.attributes).toMatchObject({ 'gen_ai.agent.name': 'billing', 'baton.step': 2 });
    expect(attempt.events.map((e) => e.name)).toEqual(['baton.finish']);
    expect(flatten(root!).every((n) => n.span.ended)).toBe(true);
  });

  it('traces a refused resume as one failed run span with nothing under it', async () => {
    const { tracer, spans } = memoryTracer();
    const error = await resumeRun(support, 'no-such-run', { store: new MemoryStore(), tracer }).catch(
      (e: unknown) => e,
    );
    expect((error as { code?: string }).code).toBe('run_not_found');
    const roots = spanTrees(spans());
    expect(roots.map((r) => outline(r))).toEqual([['invoke_workflow support']]);
    expect(roots[0]!.attributes['error.type']).toBe('run_not_found');
  });
});
