import { answerRun, MemoryStore, runFlow, sequentialIds } from 'baton-flow';
import { manualClock } from 'baton-flow/testing';
import { describe, expect, it } from 'vitest';
import { support } from '../../examples/support/flow.js';
import { answer } from '../../examples/support/run.js';

describe('examples/support', () => {
  it('answers a billing ticket through billing with the invoice looked up', async () => {
    const result = await answer({
      id: 'T-9',
      customer: 'c@example.com',
      subject: 'Refund for INV-12',
      body: 'Charged twice.',
    });
    expect(result).toMatchObject({
      reply: 'Re T-9: Invoice INV-12 is paid twice (€49.00). A refund request has been filed.',
    });
  });

  it('answers a technical ticket through tech', async () => {
    const result = await runFlow(
      support,
      { id: 'T-3', customer: 'c', subject: 'App 2.3.1 crashes on start', body: '' },
      { clock: manualClock(), ids: sequentialIds() },
    );
    expect(result.status).toBe('done');
    expect(result.path).toEqual(['triage', 'tech', 'done']);
    expect(result.status === 'done' && result.output.team).toBe('tech');
  });

  it('asks the customer for the version when the ticket lacks it, and goes on with the answer', async () => {
    const store = new MemoryStore();
    const ticket = { id: 'T-4', customer: 'c', subject: 'App crashes on start', body: 'It closes at once.' };
    const asked = await runFlow(support, ticket, { store, runId: 'run-4' });
    expect(asked.status).toBe('awaiting_human');
    expect(asked.status === 'awaiting_human' && asked.question).toMatchObject({
      agent: 'tech',
      question: 'Which version of the app are you running? (Settings → About)',
    });
    const done = await answerRun(support, 'run-4', '2.3.1', { store });
    expect(done.status === 'done' && done.output).toMatchObject({
      team: 'tech',
      actions: ['asked the customer for the version', 'searched knowledge base'],
    });
    // Without a store nobody can answer: the same ticket escalates as needs_human.
    const unkept = await runFlow(support, ticket);
    expect(unkept.status === 'escalated' && unkept.reason.code).toBe('needs_human');
  });
});
