// The customer-service conversation: a triage agent hands the customer to an FAQ agent or a seat-booking
// agent, who hand back to triage when the customer wants something else. Every reply to the customer is
// a question the run waits on (`ask`); the customer's next message is its answer. What the tools learn
// (the confirmation number, the seat, the flight) is typed flow state, not a transcript.
//   baton chat examples/customer-service
//   baton run examples/customer-service --input '{"message":"Can I change my seat?"}', then baton answer
import { defineAgent, defineFlow, defineTool } from 'baton-flow';
import Type from 'typebox';
import { Farewell, Message, Passenger, Question, SeatRequest } from './contracts.js';
import { faqModel, seatModel, triageModel } from './models.js';

/** The airline's answers, by topic. */
const FAQ: readonly { readonly words: RegExp; readonly answer: string }[] = [
  {
    words: /bag|luggage|carry/i,
    answer: 'You may bring one bag under 50 pounds and 22 by 14 by 9 inches.',
  },
  {
    words: /seats?\b.*plane|plane|aircraft/i,
    answer: 'The plane has 120 seats: 22 business and 98 economy.',
  },
  { words: /wi-?fi|internet/i, answer: 'There is free wifi on the plane: join Airline-Wifi.' },
];

const faqLookup = defineTool({
  name: 'faq_lookup',
  description: "Looks up the airline's answer to a frequently asked question.",
  input: Type.Object({ question: Type.String() }, { additionalProperties: false }),
  run: ({ input }) => FAQ.find((entry) => entry.words.test(input.question))?.answer ?? "I don't know.",
});

const updateSeat = defineTool({
  name: 'update_seat',
  description: 'Moves the passenger of a confirmation number to a new seat on their flight.',
  input: Type.Object({ confirmation: Type.String(), seat: Type.String() }, { additionalProperties: false }),
  writes: ['confirmation', 'seat', 'flight'],
  run: ({ input, facts, write }) => {
    write('confirmation', input.confirmation.toUpperCase());
    write('seat', input.seat.toUpperCase());
    // The booking system knows the flight of a confirmation number; here, one flight for everyone.
    if (facts.flight === null) write('flight', 'FLT-123');
    return { updated: true, seat: input.seat.toUpperCase() };
  },
});

const triage = defineAgent({
  name: 'triage',
  description: 'Greets the customer and hands them to the agent that can help.',
  input: Message,
  instructions:
    'Find out what the customer wants. Hand questions about bags, the plane or wifi to the FAQ agent, and seat changes to the seat-booking agent. Ask the customer when it is unclear.',
  model: triageModel,
  budget: { turns: 3 },
  ask: true,
});

const faq = defineAgent({
  name: 'faq',
  description: 'Answers frequently asked questions about the airline: bags, the plane, wifi.',
  input: Question,
  output: Farewell,
  instructions:
    'Look the question up with faq_lookup and answer the customer with it, asking whether there is anything else. Hand anything else back to triage; finish when the customer is done.',
  model: faqModel,
  tools: [faqLookup],
  budget: { turns: 5 },
  ask: true,
});

const seatBooking = defineAgent({
  name: 'seat_booking',
  description: 'Changes the seat of a passenger on their flight.',
  input: SeatRequest,
  output: Farewell,
  instructions:
    'Ask for the confirmation number and the seat they want, then update the seat. Tell the customer and ask whether there is anything else. Hand anything else back to triage; finish when the customer is done.',
  model: seatModel,
  tools: [updateSeat],
  facts: ['confirmation', 'seat', 'flight'],
  budget: { turns: 8 },
  ask: true,
});

/** The conversation: triage ⇄ FAQ, triage ⇄ seat booking; the FAQ and seat agents may end it. */
export const customerService = defineFlow({
  id: 'customer-service',
  description: 'An airline customer-service conversation: triage, FAQ and seat booking.',
  input: Message,
  output: Farewell,
  start: 'triage',
  agents: [triage, faq, seatBooking],
  routes: { triage: ['faq', 'seat_booking'], faq: ['triage'], seat_booking: ['triage'] },
  finish: ['faq', 'seat_booking'],
  facts: {
    schema: Passenger,
    initial: { name: null, confirmation: null, seat: null, flight: null },
  },
  limits: { handoffs: 8, visits: 3, turns: 40, asks: 16, humanMs: 24 * 3_600_000 },
});

/** What the customer says first when `baton run` is given no --input. */
export const sampleInput: Message = { message: 'Hi! Can I change my seat?' };

export default customerService;
