import { runFlow } from 'baton-flow';
import { support } from './flow.js';

/** Runs the support flow on one ticket and returns the result: the same call a service makes. */
export async function answer(ticket: { id: string; customer: string; subject: string; body: string }) {
  const result = await runFlow(support, ticket, { signal: AbortSignal.timeout(60_000) });
  if (result.status === 'done')
    return { reply: result.output.reply, tokens: result.usage.inputTokens + result.usage.outputTokens };
  return {
    escalated: `${result.reason.code} at ${result.reason.agent ?? 'start'}: ${result.reason.message}`,
  };
}
