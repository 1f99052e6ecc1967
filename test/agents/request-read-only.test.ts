import { defineAgent, defineFlow, defineTool, type Model, type ModelRequest, runFlow } from 'baton-flow';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';

// What a model is sent is Baton's own: the visit's messages and the flow's tool schemas. A model (or a
// wrapper around one) that edits them in place, to trim old tool results or to suit a provider's schema
// dialect, must not change the visit, the flow's tools for later runs, or the caller's schema objects.

const Query = Type.Object({ q: Type.String() });
const Answer = Type.Object({ ok: Type.String() });

const reply = (name: string, args: unknown, id: string) => ({
  text: '',
  toolCalls: [{ id, name, arguments: args }],
  usage: { inputTokens: 10, outputTokens: 5 },
  stop: 'tool_calls' as const,
});

/** A flow whose one agent looks something up, then finishes; `edit` runs on each request it is sent. */
function lookupFlow(edit: (request: ModelRequest) => void) {
  const requests: ModelRequest[] = [];
  const model: Model = {
    id: 'editing',
    call: async (request) => {
      requests.push(request);
      edit(request);
      const turn = requests.filter(
        (r) => r.idempotencyKey.split(':')[0] === request.idempotencyKey.split(':')[0],
      );
      return turn.length === 1 ? reply('lookup', { q: 'fares' }, 't1') : reply('finish', { ok: 'yes' }, 'f1');
    },
  };
  const lookup = defineTool({
    name: 'lookup',
    description: 'Looks a question up.',
    input: Query,
    run: () => 'a long answer',
  });
  const flow = defineFlow({
    id: 'lookup',
    input: Query,
    output: Answer,
    start: 'a',
    agents: [
      defineAgent({
        name: 'a',
        description: 'Answers.',
        instructions: 'Answer.',
        input: Query,
        model,
        tools: [lookup],
      }),
    ],
    finish: ['a'],
  });
  return { flow, requests };
}

describe('a model that edits what it is sent', () => {
  it('cannot trim the visit’s messages in place: that call fails, and the messages stay as they were', async () => {
    const { flow, requests } = lookupFlow((request) => {
      for (const message of request.messages)
        if (message.role === 'tool') (message as { content: string }).content = message.content.slice(0, 4);
    });
    const result = await runFlow(flow, { q: 'fares' });
    expect(result).toMatchObject({
      status: 'failed',
      reason: { code: 'provider_error', message: expect.stringContaining('read only') },
    });
    expect(requests[1]?.messages.find((m) => m.role === 'tool')).toMatchObject({
      content: '"a long answer"',
    });
  });

  it('cannot edit the tool schemas it is sent: the flow’s tools and the caller’s schema stay as they were', async () => {
    const before = JSON.stringify(Query);
    const { flow, requests } = lookupFlow((request) => {
      const lookup = request.tools.find((t) => t.name === 'lookup');
      if (!lookup) throw new Error('no lookup tool sent');
      // A provider adapter that drops a keyword its API does not take.
      delete (lookup.parameters as { required?: unknown }).required;
    });
    const result = await runFlow(flow, { q: 'fares' });
    expect(result).toMatchObject({ status: 'failed', reason: { code: 'provider_error' } });
    expect(JSON.stringify(Query)).toBe(before);
    expect(Object.isFrozen(Query)).toBe(false);
    // The next run of the flow sends the schema whole.
    const sent = requests.at(-1)?.tools.find((t) => t.name === 'lookup')?.parameters;
    expect(sent).toMatchObject({ required: ['q'] });
    const again = await runFlow(flow, { q: 'fares' });
    expect(again.status).toBe('failed');
    expect(requests.at(-1)?.tools.find((t) => t.name === 'lookup')?.parameters).toMatchObject({
      required: ['q'],
    });
  });

  it('works as before for a model that reads its request, or copies what it changes', async () => {
    const { flow } = lookupFlow((request) => {
      const trimmed = request.messages.map((m) =>
        m.role === 'tool' ? { ...m, content: m.content.slice(0, 4) } : m,
      );
      expect(trimmed.length).toBe(request.messages.length);
    });
    expect((await runFlow(flow, { q: 'fares' })).status).toBe('done');
  });
});
