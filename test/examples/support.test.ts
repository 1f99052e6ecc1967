import { runFlow, sequentialIds } from 'baton-flow';
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
      { id: 'T-3', customer: 'c', subject: 'App crashes on start', body: '' },
      { clock: manualClock(), ids: sequentialIds() },
    );
    expect(result.status).toBe('done');
    expect(result.path).toEqual(['triage', 'tech', 'done']);
    expect(result.status === 'done' && result.output.team).toBe('tech');
  });
});
