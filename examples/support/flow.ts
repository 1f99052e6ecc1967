import { defineAgent, defineFlow, defineTool } from 'baton-flow';
import Type from 'typebox';
import { BillingCase, Resolution, TechCase, Ticket } from './contracts.js';
import { billingModel, techModel, triageModel } from './models.js';

const lookupInvoice = defineTool({
  name: 'lookup_invoice',
  description: 'Looks up an invoice by id and returns its status and amount.',
  input: Type.Object({ invoiceId: Type.String() }, { additionalProperties: false }),
  run: ({ input }) => ({ invoiceId: input.invoiceId, status: 'paid twice', amount: '€49.00' }),
});

const searchKb = defineTool({
  name: 'search_kb',
  description: 'Searches the knowledge base and returns the best matching article.',
  input: Type.Object({ query: Type.String() }, { additionalProperties: false }),
  run: ({ input }) => ({
    title: `Troubleshooting: ${input.query}`,
    url: 'https://kb.example.com/troubleshooting',
  }),
});

const triage = defineAgent({
  name: 'triage',
  description: 'Reads a support ticket and decides who handles it.',
  input: Ticket,
  instructions:
    'Classify the ticket. Hand billing questions (invoices, refunds, charges) to billing and everything else to tech.',
  model: triageModel,
  budget: { turns: 2, maxOutputTokens: 512 },
});

const billing = defineAgent({
  name: 'billing',
  description: 'Answers questions about invoices, charges and refunds.',
  input: BillingCase,
  output: Resolution,
  instructions:
    'Look up the invoice if there is one, then finish with a reply that names the ticket. Hand technical problems to tech.',
  model: billingModel,
  tools: [lookupInvoice],
  budget: { turns: 3, maxOutputTokens: 1024 },
});

const tech = defineAgent({
  name: 'tech',
  description: 'Solves technical problems with the product.',
  input: TechCase,
  output: Resolution,
  instructions:
    'If the case does not say which version of the app the customer runs, ask them. Search the knowledge base, then finish with a reply that names the ticket. Hand billing questions to billing.',
  model: techModel,
  tools: [searchKb],
  budget: { turns: 4, maxOutputTokens: 1024 },
  // Kept in a store (as `baton run` keeps it), the run waits for the customer's answer.
  ask: true,
});

/** The support flow: triage hands the ticket to billing or tech, who finish with a reply that names it. */
export const support = defineFlow({
  id: 'support',
  description: 'Routes a support ticket to the team that can answer it.',
  input: Ticket,
  output: Resolution,
  start: 'triage',
  agents: [triage, billing, tech],
  routes: { triage: ['billing', 'tech'], billing: ['tech'], tech: ['billing'] },
  finish: ['billing', 'tech'],
  done: ({ input, output }) => output.ticketId === input.id || `the reply must name ticket ${input.id}`,
  limits: { handoffs: 4, visits: 2, repairs: 2, tokens: 20_000, ms: 60_000, humanMs: 7 * 24 * 3_600_000 },
});

/** The ticket `baton run examples/support` answers when no --input is given (as in ticket.json). */
export const sampleInput: Ticket = {
  id: 'T-1042',
  customer: 'ada@example.com',
  subject: 'Charged twice for invoice INV-7731',
  body: 'My card was charged twice this month for INV-7731. Please refund one of the charges.',
};

export default support;
