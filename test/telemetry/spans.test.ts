import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { isBatonError, type RunEvent, runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { sampleInput, support } from '../../examples/support/flow.js';
import { loadOtelApi } from '../../runtime/telemetry/trace-run.js';
import { BILLING_CASE, RESOLUTION } from './billing-case.js';
import { flatten, memoryTracer, outline, spanTrees, tickingClock } from './span-tree.js';

const TICKET = sampleInput;
const TECH_CASE = { ticketId: 'T-1042', customer: TICKET.customer, problem: 'App crashes', product: null };

/** A three-agent run: triage hands to tech, tech searches and hands to billing, billing looks up and finishes. */
function threeAgents() {
  return {
    triage: scripted(
      [
        {
          agent: 'triage',
          handoff: 'tech',
          payload: TECH_CASE,
          usage: { inputTokens: 100, outputTokens: 10 },
        },
      ],
      { id: 'openai:gpt-5-mini' },
    ),
    tech: scripted(
      [
        {
          agent: 'tech',
          tool: 'search_kb',
          args: { query: 'crash' },
          usage: { inputTokens: 200, outputTokens: 20 },
        },
        {
          agent: 'tech',
          handoff: 'billing',
          payload: BILLING_CASE,
          usage: { inputTokens: 300, outputTokens: 30 },
        },
      ],
      { id: 'anthropic:claude-sonnet-4-5' },
    ),
    billing: scripted([
      {
        agent: 'billing',
        tool: 'lookup_invoice',
        args: { invoiceId: 'INV-7731' },
        usage: { inputTokens: 400, outputTokens: 40 },
      },
      { agent: 'billing', finish: RESOLUTION, usage: { inputTokens: 500, outputTokens: 50 } },
    ]),
  };
}

describe('OpenTelemetry spans of a run', () => {
  it('traces a three-agent run as a workflow span, a span per attempt, and chat and tool spans under them', async () => {
    const { tracer, spans } = memoryTracer();
    const result = await runFlow(support, TICKET, { tracer, models: threeAgents(), clock: tickingClock() });
    expect(result.status).toBe('done');

    const [root, ...others] = spanTrees(spans());
    expect(others).toEqual([]);
    expect(outline(root!)).toEqual([
      'invoke_workflow support',
      '  invoke_agent triage',
      '    chat gpt-5-mini',
      '  invoke_agent tech',
      '    chat claude-sonnet-4-5',
      '    execute_tool search_kb',
      '    chat claude-sonnet-4-5',
      '  invoke_agent billing',
      '    chat scripted',
      '    execute_tool lookup_invoice',
      '    chat scripted',
    ]);
    const all = flatten(root!);
    expect(new Set(all.map((n) => n.span.spanContext().traceId)).size).toBe(1);
    expect(all.every((n) => n.span.ended)).toBe(true);
    expect(root!.span.kind).toBe(SpanKind.INTERNAL);
    expect(root!.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_workflow',
      'gen_ai.workflow.name': 'support',
      'baton.run.id': result.runId,
      'baton.run.status': 'done',
    });
    expect(root!.span.status.code).toBe(SpanStatusCode.UNSET);

    const [triage, tech, billing] = root!.children;
    expect(triage!.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'triage',
      'gen_ai.agent.description': 'Reads a support ticket and decides who handles it.',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-5-mini',
      'gen_ai.conversation.id': result.runId,
      'baton.step': 1,
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 10,
    });
    expect(tech!.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.usage.input_tokens': 500,
      'gen_ai.usage.output_tokens': 50,
    });
    const chat = triage!.children[0]!;
    expect(chat.span.kind).toBe(SpanKind.CLIENT);
    expect(chat.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-5-mini',
      'gen_ai.agent.name': 'triage',
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 10,
      'gen_ai.response.finish_reasons': ['tool_calls'],
      'baton.tool_calls': ['handoff_to_tech'],
      'baton.turn': 1,
    });
    expect(typeof chat.attributes['gen_ai.request.max_tokens']).toBe('number');
    const tool = tech!.children[1]!;
    expect(tool.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'search_kb',
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.call.id': 'call_1',
    });
    expect(tool.span.status.code).toBe(SpanStatusCode.UNSET);

    // Handoffs and the finish are span events on the attempt they end.
    expect(triage!.events).toEqual([
      {
        name: 'baton.handoff',
        attributes: {
          'baton.transition.from': 'triage',
          'baton.transition.to': 'tech',
          'baton.route': 'triage->tech',
          'baton.step': 1,
        },
      },
    ]);
    expect(tech!.events.map((e) => [e.name, e.attributes['baton.route']])).toEqual([
      ['baton.handoff', 'tech->billing'],
    ]);
    expect(billing!.events.map((e) => [e.name, e.attributes['baton.route']])).toEqual([
      ['baton.finish', 'billing->done'],
    ]);
  });

  it('counts the same tokens as the result: on the run span, and summed over the model calls', async () => {
    const { tracer, spans } = memoryTracer();
    const result = await runFlow(support, TICKET, { tracer, models: threeAgents(), clock: tickingClock() });
    const root = spanTrees(spans())[0]!;
    const chats = flatten(root).filter((n) => n.attributes['gen_ai.operation.name'] === 'chat');
    const sum = (key: string) => chats.reduce((total, n) => total + Number(n.attributes[key]), 0);
    expect(result.usage).toMatchObject({ inputTokens: 1500, outputTokens: 150 });
    expect(sum('gen_ai.usage.input_tokens')).toBe(result.usage.inputTokens);
    expect(sum('gen_ai.usage.output_tokens')).toBe(result.usage.outputTokens);
    expect(root.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': result.usage.inputTokens,
      'gen_ai.usage.output_tokens': result.usage.outputTokens,
      'baton.usage.turns': result.usage.turns,
      'baton.usage.handoffs': 2,
    });
  });

  it('starts and ends each span at the run clock times of its events, children inside their parents', async () => {
    const { tracer, spans } = memoryTracer();
    const clock = tickingClock(1_700_000_000_000);
    await runFlow(support, TICKET, { tracer, models: threeAgents(), clock });
    const ms = ([s, ns]: readonly [number, number]) => s * 1000 + ns / 1e6;
    const root = spanTrees(spans())[0]!;
    expect(ms(root.span.startTime)).toBeGreaterThanOrEqual(1_700_000_000_000);
    for (const parent of flatten(root)) {
      for (const child of parent.children) {
        expect(ms(child.span.startTime)).toBeGreaterThanOrEqual(ms(parent.span.startTime));
        expect(ms(child.span.endTime)).toBeLessThanOrEqual(ms(parent.span.endTime));
      }
    }
  });

  it('puts no input, payload, output or message in the spans unless asked to', async () => {
    const secret = { ...TICKET, customer: 'secret-customer@example.com', body: 'secret body text' };
    // An invalid output, repaired once, then fixed: the feedback quotes what was wrong.
    const failing = () => ({
      ...threeAgents(),
      billing: scripted([
        { agent: 'billing', finish: { ...RESOLUTION, reply: '' } },
        { agent: 'billing', finish: { ...RESOLUTION, reply: 'secret reply text' } },
      ]),
    });
    const texts = async (traceContent: boolean | undefined) => {
      const { tracer, spans } = memoryTracer();
      const result = await runFlow(support, secret, {
        tracer,
        models: failing(),
        clock: tickingClock(),
        ...(traceContent === undefined ? {} : { traceContent }),
      });
      expect(result.status).toBe('done');
      return JSON.stringify(spans().map((s) => [s.attributes, s.events.map((e) => e.attributes)]));
    };
    for (const quiet of [await texts(undefined), await texts(false)]) {
      expect(quiet).not.toContain('secret');
      expect(quiet).not.toContain('gen_ai.input.messages');
      expect(quiet).not.toContain('baton.message');
    }
    const loud = await texts(true);
    expect(loud).toContain('secret-customer@example.com');
    expect(loud).toContain('secret reply text');
    expect(loud).toContain('gen_ai.input.messages');
    expect(loud).toContain('gen_ai.output.messages');
    expect(loud).toContain('baton.message');
  });

  it('records a repair as a span event with its reason code and MAST modes, and the run goes on', async () => {
    const { tracer, spans } = memoryTracer();
    const models = {
      ...threeAgents(),
      billing: scripted([
        { agent: 'billing', finish: { ...RESOLUTION, reply: '' } },
        { agent: 'billing', finish: RESOLUTION },
      ]),
    };
    const result = await runFlow(support, TICKET, { tracer, models, clock: tickingClock() });
    expect(result.status).toBe('done');
    const root = spanTrees(spans())[0]!;
    const billing = root.children.filter((n) => n.name === 'invoke_agent billing');
    expect(billing.map((n) => n.attributes['baton.repair'])).toEqual([0, 1]);
    expect(billing[0]!.events).toEqual([
      {
        name: 'baton.repair',
        attributes: {
          'baton.transition.from': 'billing',
          'baton.transition.to': 'billing',
          'baton.route': 'billing->billing',
          'baton.step': 3,
          'baton.reason.code': 'contract_violation',
          'baton.reason.mast': ['FM-1.1', 'FM-2.4'],
        },
      },
    ]);
    expect(billing[0]!.span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('sets the error status with the reason code on the attempt, the model call and the run when a provider fails', async () => {
    const { tracer, spans } = memoryTracer();
    const models = { ...threeAgents(), tech: scripted([{ agent: 'tech', fail: new Error('HTTP 500') }]) };
    const result = await runFlow(support, TICKET, { tracer, models, clock: tickingClock() });
    expect(result.status).toBe('failed');
    const root = spanTrees(spans())[0]!;
    const tech = root.children[1]!;
    const chat = tech.children[0]!;
    for (const node of [root, tech, chat]) {
      expect(node.span.status.code, node.name).toBe(SpanStatusCode.ERROR);
      expect(node.attributes['error.type'], node.name).toBe('provider_error');
    }
    expect(root.attributes).toMatchObject({
      'baton.run.status': 'failed',
      'baton.reason.code': 'provider_error',
      'baton.reason.mast': [],
      'baton.reason.agent': 'tech',
      'baton.reason.step': 2,
    });
    expect(root.span.status.message).toBe('The run ended failed: provider_error.');
    expect(tech.events.map((e) => [e.name, e.attributes['baton.reason.code']])).toEqual([
      ['baton.fail', 'provider_error'],
    ]);
    expect(JSON.stringify(tech.span.status)).not.toContain('HTTP 500');
  });

  it('marks a guard rejection that ends the run: the escalation, its code and MAST mode', async () => {
    const { tracer, spans } = memoryTracer();
    // Triage hands off to a route it does not have, again after each repair.
    const wrong = { agent: 'triage', handoff: 'triage', payload: TICKET } as const;
    const models = { ...threeAgents(), triage: scripted([wrong, wrong, wrong]) };
    const result = await runFlow(support, TICKET, { tracer, models, clock: tickingClock() });
    expect(result.status).not.toBe('done');
    if (result.status === 'done') return;
    const root = spanTrees(spans())[0]!;
    const attempts = root.children;
    const last = attempts.at(-1)!;
    const ending = last.events.at(-1)!;
    expect(ending.name).toBe(`baton.${result.status === 'escalated' ? 'escalate' : 'fail'}`);
    expect(ending.attributes['baton.reason.code']).toBe(result.reason.code);
    expect(ending.attributes['baton.reason.mast']).toEqual([...result.reason.mast]);
    expect(last.span.status.code).toBe(SpanStatusCode.ERROR);
    expect(last.attributes['error.type']).toBe(result.reason.code);
    expect(attempts.slice(0, -1).every((a) => a.events.some((e) => e.name === 'baton.repair'))).toBe(true);
    expect(root.attributes['error.type']).toBe(result.reason.code);
  });

  it('traces an invalid input on the run span alone', async () => {
    const { tracer, spans } = memoryTracer();
    const result = await runFlow(support, { id: 'T-1' } as typeof TICKET, { tracer, clock: tickingClock() });
    expect(result.status).toBe('failed');
    const [root] = spanTrees(spans());
    expect(outline(root!)).toEqual(['invoke_workflow support']);
    expect(root!.events.map((e) => [e.name, e.attributes['baton.reason.code']])).toEqual([
      ['baton.fail', 'invalid_input'],
    ]);
    expect(root!.attributes['error.type']).toBe('invalid_input');
  });
});

describe('a run with a tracer', () => {
  it('calls its own onEvent listener as without one, and rejects with listener_failed when it throws', async () => {
    const { tracer, spans } = memoryTracer();
    const heard: RunEvent[] = [];
    const ok = await runFlow(support, TICKET, {
      tracer,
      models: threeAgents(),
      onEvent: (e) => heard.push(e),
    });
    expect(heard.map((e) => e.seq)).toEqual(ok.events.map((e) => e.seq));

    const error = await runFlow(support, TICKET, {
      tracer,
      models: threeAgents(),
      onEvent: () => {
        throw new Error('listener broke');
      },
    }).catch((e: unknown) => e);
    expect(isBatonError(error) && error.code).toBe('listener_failed');
    expect((error as { details: { result: { status: string } } }).details.result.status).toBe('done');
    // The spans of that run were still all made and ended.
    const roots = spanTrees(spans());
    expect(roots).toHaveLength(2);
    expect(outline(roots[1]!)).toEqual(outline(roots[0]!));
  });

  it('runs untraced with a tracer that records nothing (no SDK registered)', async () => {
    const tracer = trace.getTracer('no-sdk');
    const heard: string[] = [];
    const result = await runFlow(support, TICKET, {
      tracer,
      models: threeAgents(),
      onEvent: (e) => heard.push(e.type),
    });
    expect(result.status).toBe('done');
    expect(heard).toContain('run.ended');
  });

  it('rejects a tracer option that is not a tracer', async () => {
    const error = await runFlow(support, TICKET, { tracer: {} as never }).catch((e: unknown) => e);
    expect(isBatonError(error) && error.code).toBe('invalid_argument');
  });

  it('says which package to install when @opentelemetry/api is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package '@opentelemetry/api'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = await loadOtelApi(() => Promise.reject(missing)).catch((e: unknown) => e);
    expect(isBatonError(error) && error.code).toBe('missing_dependency');
    expect((error as Error).message).toContain('npm install @opentelemetry/api');
  });
});
