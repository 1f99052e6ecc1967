// OpenAI Agents SDK JS: five agents linked by handoffs (each handoff with a zod `inputType`, so the
// payload is validated), driven by a custom offline `Model` that answers instantly; tracing disabled.
// As the SDK does, each agent receives the conversation so far: the offline model reads the payload
// from the last handoff call's arguments. The last agent answers with its payload as text, parsed by
// its zod `outputType`.
import { chainOf, PARK_AT, work } from '../lib/workload.mjs';
import { WorkZod } from '../lib/zod-work.mjs';

export const row = {
  id: 'openai-agents',
  label: 'OpenAI Agents SDK JS (offline Model)',
  packages: ['@openai/agents', '@openai/agents-core', 'zod'],
  async setup({ agents, gate }) {
    const { Agent, Runner, Usage, handoff, setTracingDisabled } = await import('@openai/agents');
    setTracingDisabled(true);
    const names = chainOf(agents);
    const byInstructions = new Map(names.map((name) => [`You do ${name}.`, name]));
    let calls = 0;
    const model = {
      async getResponse(request) {
        const name = byInstructions.get(request.systemInstructions);
        if (name === PARK_AT) {
          const wait = gate.pass();
          if (wait) await wait;
        }
        const payload = work(name, currentPayload(request.input));
        const usage = new Usage({ requests: 1, inputTokens: 100, outputTokens: 20, totalTokens: 120 });
        const next = names[names.indexOf(name) + 1];
        calls += 1;
        if (next) {
          const call = {
            type: 'function_call',
            callId: `call_${calls}`,
            name: `transfer_to_${next}`,
            arguments: JSON.stringify(payload),
            status: 'completed',
          };
          return { usage, output: [call] };
        }
        const text = { type: 'output_text', text: JSON.stringify(payload) };
        return {
          usage,
          output: [{ type: 'message', role: 'assistant', status: 'completed', content: [text] }],
        };
      },
      getStreamedResponse() {
        throw new Error('the benchmark does not stream');
      },
    };
    let next = null;
    const built = [];
    for (const name of [...names].reverse()) {
      const agent = new Agent({
        name,
        instructions: `You do ${name}.`,
        model,
        handoffs: next ? [handoff(next, { inputType: WorkZod, onHandoff: () => undefined })] : [],
        ...(next ? {} : { outputType: WorkZod }),
      });
      built.unshift(agent);
      next = agent;
    }
    const runner = new Runner({ tracingDisabled: true });
    return async (input) => {
      const result = await runner.run(built[0], JSON.stringify(input));
      return result.finalOutput;
    };
  },
};

/** The payload an agent is handed: the last handoff's arguments, or the run's input for the first agent. */
function currentPayload(input) {
  if (typeof input === 'string') return JSON.parse(input);
  for (let i = input.length - 1; i >= 0; i -= 1) {
    const item = input[i];
    if (item.type === 'function_call') return JSON.parse(item.arguments);
  }
  const first = input[0];
  return JSON.parse(typeof first.content === 'string' ? first.content : first.content[0].text);
}
