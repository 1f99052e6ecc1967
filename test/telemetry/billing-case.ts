// The billing path of the support example that the telemetry tests script: triage's handoff and the result.
import { sampleInput } from '../../examples/support/flow.js';

/** What triage hands billing for the sample ticket: a refund of one invoice. */
export const BILLING_CASE = {
  ticketId: 'T-1042',
  customer: sampleInput.customer,
  question: 'Refund?',
  invoiceId: 'INV-7731',
};
/** What billing finishes with: the refund, done. */
export const RESOLUTION = {
  ticketId: 'T-1042',
  team: 'billing',
  reply: 'Re T-1042: refunded.',
  actions: ['refund'],
};
