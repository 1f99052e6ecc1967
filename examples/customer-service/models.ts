import type { Message as ModelMessage, ModelRequest } from 'baton-flow';
import { type ScriptStep, scripted } from 'baton-flow/testing';

// Offline stand-ins for real models: responders that read only what each agent is given (its input, its
// own messages, the facts it declared), so the conversation runs with no API key and is reproducible.

const QUIET = { record: false } as const;

const FAQ_WORDS = /bag|luggage|carry|plane|aircraft|wi-?fi|internet/i;
const SEAT_WORDS = /seat|move me|window|aisle/i;
const DONE_WORDS = /^\s*(no|nope|nothing|that'?s all|thanks|thank you|bye)\b/i;

/** The customer's answers so far: the results of the agent's own `ask_human` calls, in order. */
function answers(messages: readonly ModelMessage[]): string[] {
  return messages.flatMap((m) => (m.role === 'tool' && m.name === 'ask_human' ? [m.content] : []));
}

/** The result of the agent's own tool `name`, parsed, if it called it. */
function toolResult(messages: readonly ModelMessage[], name: string): unknown {
  const found = messages.find((m) => m.role === 'tool' && m.name === name && !m.isError);
  return found?.role === 'tool' ? JSON.parse(found.content) : undefined;
}

/** Where a message goes: to the FAQ agent, the seat agent, or nowhere yet. */
function routeOf(text: string): ScriptStep | null {
  // A question about the plane's seats is a question, not a seat change.
  if (FAQ_WORDS.test(text)) return { handoff: 'faq', payload: { question: text } };
  if (SEAT_WORDS.test(text)) return { handoff: 'seat_booking', payload: { request: text } };
  return null;
}

/** Triage: routes the message, or asks what the customer needs and routes the answer. */
export const triageModel = scripted((request: ModelRequest): ScriptStep => {
  const { message } = request.input as { message: string };
  const said = answers(request.messages);
  const latest = said.at(-1) ?? message;
  return (
    routeOf(latest) ?? {
      ask: 'Hello! I can answer questions about bags, the plane and wifi, or change your seat. What can I do for you?',
    }
  );
}, QUIET);

/** What the customer said after message `index` of the agent's own messages. */
function answersAfter(messages: readonly ModelMessage[], index: number): string[] {
  return answers(messages.slice(index + 1));
}

/** After the agent told the customer something and asked for more: finish if they are done, else hand back. */
function afterwards(next: string | undefined, reply: string): ScriptStep | null {
  if (next === undefined) return null;
  if (DONE_WORDS.test(next)) return { finish: { reply: `${reply} Have a good flight!` } };
  return { handoff: 'triage', payload: { message: next } };
}

/** FAQ: looks the question up, tells the customer, then ends or hands back. */
export const faqModel = scripted((request: ModelRequest): ScriptStep => {
  const { question } = request.input as { question: string };
  const found = toolResult(request.messages, 'faq_lookup') as string | undefined;
  if (found === undefined) return { tool: 'faq_lookup', args: { question } };
  return (
    afterwards(answers(request.messages)[0], found) ?? {
      ask: `${found} Is there anything else I can help with?`,
    }
  );
}, QUIET);

/**
 * Seat booking: asks for the confirmation number and the seat, updates it (asking again for a seat the
 * update refuses), tells the customer, then ends or hands back.
 */
export const seatModel = scripted((request: ModelRequest): ScriptStep => {
  const { messages } = request;
  const said = answers(messages);
  if (said.length === 0) return { ask: 'Sure. What is your confirmation number?' };
  if (said.length === 1) return { ask: 'Which seat would you like?' };
  const updates = messages.flatMap((m, i) =>
    m.role === 'tool' && m.name === 'update_seat' ? [{ m, i }] : [],
  );
  const done = updates.find(({ m }) => m.role === 'tool' && !m.isError);
  if (!done) {
    // One update per seat the customer named: a refused one gets a question for another seat.
    if (updates.length < said.length - 1)
      return { tool: 'update_seat', args: { confirmation: said[0]!.trim(), seat: said.at(-1)!.trim() } };
    return {
      ask: 'There is no such seat: a seat is a row and a letter from A to F, like 23A. Which seat would you like?',
    };
  }
  const facts = (request.facts ?? {}) as { seat?: string | null; flight?: string | null };
  const reply = `Done: your seat on ${facts.flight ?? 'your flight'} is now ${facts.seat ?? '?'}.`;
  return (
    afterwards(answersAfter(messages, done.i)[0], reply) ?? {
      ask: `${reply} Is there anything else I can help with?`,
    }
  );
}, QUIET);
