import { describe, expect, it } from 'vitest';
import type { Model, ModelRequest, ToolSpec, Usage } from '../../../agents/model.js';
import { isBatonError } from '../../../contracts/errors.js';

/**
 * The contract every `Model` implementation keeps, run by each provider's test file: scripted, OpenAI
 * Responses, OpenAI Chat, Anthropic and replay. A provider's `makeModel` sets up the answer a scenario
 * describes (a fake server's queue, a script, a cassette) and returns the model to call.
 */

/** What the model should answer for one contract test; usage is what the provider reports, in Baton's terms. */
export type ContractScenario =
  | {
      readonly kind: 'tool_call';
      readonly tool: string;
      readonly args: Record<string, unknown>;
      readonly usage: Usage;
    }
  | { readonly kind: 'malformed'; readonly tool: string; readonly raw: string; readonly usage: Usage }
  | { readonly kind: 'length'; readonly usage: Usage }
  | { readonly kind: 'hang' };

/** Sets up a scenario and returns the model that answers it. */
export type MakeModel = (scenario: ContractScenario) => Model | Promise<Model>;

/** Options of the contract: a model that cannot wait on a call (replay) skips the mid-call abort test. */
export interface ContractOptions {
  readonly canHang?: boolean;
}

const LOOKUP: ToolSpec = {
  name: 'lookup_order',
  description: 'Finds an order by id.',
  kind: 'tool',
  parameters: {
    type: 'object',
    properties: { orderId: { type: 'string' } },
    required: ['orderId'],
    additionalProperties: false,
  },
};

const FINISH: ToolSpec = {
  name: 'finish',
  description: 'Finishes with the result.',
  kind: 'finish',
  parameters: {
    type: 'object',
    properties: { answer: { type: 'string' } },
    required: ['answer'],
    additionalProperties: false,
  },
};

/** The request every contract test sends (replay builds its cassette from it). */
export function contractRequest(signal: AbortSignal): ModelRequest {
  return {
    agent: 'support',
    instructions: 'Answer the ticket.',
    input: { ticketId: 'T-1', text: 'Where is order 42?' },
    messages: [],
    tools: [LOOKUP, FINISH],
    toolChoice: 'required',
    maxOutputTokens: 256,
    idempotencyKey: 'run-1:step-1:1',
    signal,
  };
}

const USAGE: Usage = { inputTokens: 120, outputTokens: 30, cachedInputTokens: 20, reasoningTokens: 5 };

/** Registers the model contract tests for one implementation. */
export function modelContract(name: string, makeModel: MakeModel, options: ContractOptions = {}): void {
  describe(`${name} keeps the model contract`, () => {
    it('returns a forced tool call with its arguments parsed', async () => {
      const model = await makeModel({
        kind: 'tool_call',
        tool: LOOKUP.name,
        args: { orderId: '42' },
        usage: USAGE,
      });
      const reply = await model.call(contractRequest(new AbortController().signal));
      expect(reply.toolCalls).toHaveLength(1);
      expect(reply.toolCalls[0]).toMatchObject({ name: 'lookup_order', arguments: { orderId: '42' } });
      expect(reply.toolCalls[0]?.malformed).toBeUndefined();
      expect(reply.toolCalls[0]?.id).toMatch(/\S/);
      expect(reply.stop).toBe('tool_calls');
    });

    it('reports usage as non-negative integers equal to what the provider reported', async () => {
      const model = await makeModel({
        kind: 'tool_call',
        tool: LOOKUP.name,
        args: { orderId: '7' },
        usage: USAGE,
      });
      const { usage } = await model.call(contractRequest(new AbortController().signal));
      expect(usage).toEqual(USAGE);
      for (const count of Object.values(usage)) {
        expect(Number.isInteger(count) && count >= 0, `${count} is a non-negative integer`).toBe(true);
      }
    });

    it('returns tool arguments that are not JSON as malformed raw text', async () => {
      const raw = '{"orderId": "42",';
      const model = await makeModel({ kind: 'malformed', tool: LOOKUP.name, raw, usage: USAGE });
      const reply = await model.call(contractRequest(new AbortController().signal));
      expect(reply.toolCalls[0]).toMatchObject({ name: 'lookup_order', arguments: raw, malformed: true });
    });

    it('stops with length when the output-token cap cuts the reply', async () => {
      const model = await makeModel({ kind: 'length', usage: { inputTokens: 120, outputTokens: 256 } });
      const reply = await model.call(contractRequest(new AbortController().signal));
      expect(reply.stop).toBe('length');
      expect(reply.usage.outputTokens).toBe(256);
    });

    it('rejects with aborted when the signal is already aborted', async () => {
      const model = await makeModel({
        kind: 'tool_call',
        tool: LOOKUP.name,
        args: { orderId: '1' },
        usage: USAGE,
      });
      const controller = new AbortController();
      controller.abort();
      const error = await model.call(contractRequest(controller.signal)).catch((e: unknown) => e);
      expect(isBatonError(error) && error.code).toBe('aborted');
    });

    it.runIf(options.canHang ?? true)(
      'rejects with aborted when the signal fires during the call',
      async () => {
        const model = await makeModel({ kind: 'hang' });
        const controller = new AbortController();
        const pending = model.call(contractRequest(controller.signal)).catch((e: unknown) => e);
        setTimeout(() => controller.abort(), 10);
        const started = performance.now();
        const error = await pending;
        expect(isBatonError(error) && error.code).toBe('aborted');
        expect(performance.now() - started).toBeLessThan(1_000);
      },
    );
  });
}
