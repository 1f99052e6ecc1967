import type { ModelRequest } from 'baton-flow';
import { type ScriptStep, scripted } from 'baton-flow/testing';
import type { Ticket } from './contracts.js';

// Offline stand-ins for real models: deterministic responders that read the agent's input and own tool
// results, so the example runs with no API key and gives the same trace every time.

// The responders serve every run of the process, so they keep no record of the requests they answer.
const QUIET = { record: false } as const;

const BILLING_WORDS = /invoice|refund|charge|billing|payment|price/i;

function lastToolResult(request: ModelRequest): unknown {
  const last = [...request.messages].reverse().find((m) => m.role === 'tool' && !m.isError);
  return last && last.role === 'tool' ? JSON.parse(last.content) : undefined;
}

/** Triage: billing words go to billing, the rest to tech. */
export const triageModel = scripted((request): ScriptStep => {
  const ticket = request.input as Ticket;
  const text = `${ticket.subject} ${ticket.body}`;
  const invoice = /INV-\d+/.exec(text)?.[0] ?? null;
  if (BILLING_WORDS.test(text)) {
    return {
      handoff: 'billing',
      payload: {
        ticketId: ticket.id,
        customer: ticket.customer,
        question: ticket.subject,
        invoiceId: invoice,
      },
    };
  }
  // The app's version, when the ticket names one: tech asks the customer for it otherwise.
  const version = /\b\d+\.\d+(?:\.\d+)?\b/.exec(text)?.[0];
  return {
    handoff: 'tech',
    payload: {
      ticketId: ticket.id,
      customer: ticket.customer,
      problem: ticket.subject,
      product: version ? `app ${version}` : null,
    },
  };
}, QUIET);

/** Billing: looks the invoice up, then replies. */
export const billingModel = scripted((request): ScriptStep => {
  const input = request.input as { ticketId: string; question: string; invoiceId: string | null };
  const invoice = lastToolResult(request) as { status: string; amount: string } | undefined;
  if (input.invoiceId && !invoice) return { tool: 'lookup_invoice', args: { invoiceId: input.invoiceId } };
  const detail = invoice
    ? `Invoice ${input.invoiceId} is ${invoice.status} (${invoice.amount}).`
    : 'We found no invoice number in your ticket.';
  return {
    finish: {
      ticketId: input.ticketId,
      team: 'billing',
      reply: `Re ${input.ticketId}: ${detail} A refund request has been filed.`,
      actions: invoice ? ['looked up invoice', 'filed refund request'] : ['filed refund request'],
    },
  };
}, QUIET);

/**
 * Tech: asks the customer which version they run when the ticket does not say, searches the knowledge
 * base for the problem in that version, then replies with the article.
 */
export const techModel = scripted((request): ScriptStep => {
  const input = request.input as { ticketId: string; problem: string; product: string | null };
  const asked = request.messages.find((m) => m.role === 'tool' && m.name === 'ask_human');
  const version = input.product ?? (asked?.role === 'tool' ? `app ${asked.content}` : null);
  if (version === null) return { ask: 'Which version of the app are you running? (Settings → About)' };
  const article = lastToolResult(request) as { title: string } | undefined;
  if (!article) return { tool: 'search_kb', args: { query: `${input.problem} (${version})` } };
  return {
    finish: {
      ticketId: input.ticketId,
      team: 'tech',
      reply: `Re ${input.ticketId}: please follow "${article.title}".`,
      actions: asked
        ? ['asked the customer for the version', 'searched knowledge base']
        : ['searched knowledge base'],
    },
  };
}, QUIET);
