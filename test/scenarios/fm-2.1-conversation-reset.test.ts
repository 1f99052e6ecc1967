// FM-2.1 Conversation reset: the interaction restarts unexpectedly and throws progress away. Guards
// exercised: the runtime owns the run's identity and state (an agent cannot start the run again: it can
// only hand a typed payload along its routes), and the loop check of a handoff (machines/assess.ts): an
// agent that restarts the work from the flow's original input hands the start agent an input it already
// had, which ends `loop_detected` (tagged FM-1.3) before the restart is paid for.
import { defineAgent, defineFlow, runFlow } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { callsByAgent, expectEnding, spend, totalTokens } from './scenario.js';

const Ticket = Type.Object({ id: Type.String(), body: Type.String() }, { additionalProperties: false });
const Case = Type.Object(
  { ticketId: Type.String(), diagnosis: Type.String() },
  { additionalProperties: false },
);
const Reply = Type.Object({ ticketId: Type.String(), text: Type.String() }, { additionalProperties: false });

const ticket = { id: 'T-9', body: 'The export button does nothing.' };

describe('FM-2.1 conversation reset', () => {
  it('ends loop_detected when a specialist restarts the conversation from the original ticket', async () => {
    const model = scripted([
      {
        agent: 'triage',
        handoff: 'tech',
        payload: { ticketId: 'T-9', diagnosis: 'export handler throws' },
        ...spend(277, 34),
      },
      // tech throws its diagnosis away and sends the whole ticket back to the start, as new.
      { agent: 'tech', handoff: 'triage', payload: ticket, ...spend(305, 29) },
    ]);
    const triage = defineAgent({
      name: 'triage',
      description: 'Diagnoses a ticket.',
      input: Ticket,
      instructions: 'Diagnose the ticket and hand it to tech.',
      model,
    });
    const tech = defineAgent({
      name: 'tech',
      description: 'Fixes technical problems.',
      input: Case,
      output: Reply,
      instructions: 'Answer the customer.',
      model,
    });
    const flow = defineFlow({
      id: 'helpdesk',
      input: Ticket,
      output: Reply,
      start: 'triage',
      agents: [triage, tech],
      routes: { triage: ['tech'], tech: ['triage'] },
      finish: ['tech'],
      limits: { handoffs: 6, visits: 3 },
    });
    const result = await runFlow(flow, ticket, { runId: 'run-9' });
    expectEnding(result, 'escalated', 'loop_detected', 'FM-1.3');
    expect(result.status === 'escalated' && result.reason.agent).toBe('tech');
    // Still the same run, and the diagnosis that was settled is what the run keeps.
    expect(result.runId).toBe('run-9');
    expect(result.status === 'escalated' && result.partial).toEqual({
      ticketId: 'T-9',
      diagnosis: 'export handler throws',
    });
    expect(callsByAgent(model)).toEqual({ triage: 1, tech: 1 });
    expect(totalTokens(result)).toBe(277 + 34 + 305 + 29);
    model.assertComplete();
  });
});
