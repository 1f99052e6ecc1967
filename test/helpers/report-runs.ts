import { frozenClock, type RunResult, runFlow, sequentialIds } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import { sampleInput, support } from '../../examples/support/flow.js';
import { chainFlow, work } from './flows.js';

/** A key-shaped string a payload carries: a report must never show it. */
export const LEAKED_KEY = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';

/** What triage hands billing in the failed support run: markup and a key a report must escape and redact. */
export const HOSTILE_CASE = {
  ticketId: sampleInput.id,
  customer: sampleInput.customer,
  question: `Refund <script>alert("pwned")</script> & more; token ${LEAKED_KEY}`,
  invoiceId: 'INV-7731',
};

/**
 * A real run of the support example that fails: triage hands billing a case, then billing hands tech a
 * payload missing its fields, twice more after repairs, so the run ends `failed` with `contract_violation`
 * at billing.
 */
export async function failedSupportRun(): Promise<RunResult> {
  const bad = { ticketId: sampleInput.id, problem: 42 };
  const model = scripted([
    {
      agent: 'triage',
      handoff: 'billing',
      payload: HOSTILE_CASE,
      usage: { inputTokens: 320, outputTokens: 45 },
    },
    { agent: 'billing', handoff: 'tech', payload: bad, usage: { inputTokens: 480, outputTokens: 40 } },
    { agent: 'billing', handoff: 'tech', payload: bad, usage: { inputTokens: 560, outputTokens: 40 } },
    { agent: 'billing', handoff: 'tech', payload: bad, usage: { inputTokens: 640, outputTokens: 40 } },
  ]);
  const result = await runFlow(support, sampleInput, {
    models: model,
    clock: frozenClock(1_764_000_000_000),
    ids: sequentialIds(),
  });
  model.assertComplete();
  return result;
}

/** A run of the support example that ends done, as its own offline models answer it. */
export async function doneSupportRun(): Promise<RunResult> {
  return await runFlow(support, sampleInput, { clock: frozenClock(1_764_000_000_000), ids: sequentialIds() });
}

/** A run of the five-agent chain that escalates when its turn budget runs out at agent b. */
export async function escalatedChainRun(): Promise<RunResult> {
  const model = scripted([
    { agent: 'a', handoff: 'b', payload: work(1, ['drafted']) },
    { agent: 'b', text: 'thinking' },
    { agent: 'b', text: 'still thinking' },
  ]);
  return await runFlow(chainFlow({ turns: 3 }), work(0), { models: model });
}
