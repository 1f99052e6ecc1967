import Type, { type Static } from 'typebox';

/** What the customer says first. */
export const Message = Type.Object(
  { message: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
export type Message = Static<typeof Message>;

/** What the FAQ agent is handed: the question, and nothing else of the conversation. */
export const Question = Type.Object(
  { question: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

/** What the seat-booking agent is handed. */
export const SeatRequest = Type.Object(
  { request: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

/**
 * What the airline knows of this customer, kept as typed facts of the run: the tools that learn them
 * write them, and the agents that need them read them. No agent reads another's transcript.
 */
export const Passenger = Type.Object(
  {
    name: Type.Union([Type.String(), Type.Null()]),
    confirmation: Type.Union([Type.String({ pattern: '^[A-Z0-9]{6}$' }), Type.Null()]),
    seat: Type.Union([Type.String({ pattern: '^[0-9]{1,2}[A-F]$' }), Type.Null()]),
    flight: Type.Union([Type.String({ pattern: '^FLT-[0-9]{3}$' }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type Passenger = Static<typeof Passenger>;

/** How the conversation ended: what the customer was told last. */
export const Farewell = Type.Object(
  { reply: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
export type Farewell = Static<typeof Farewell>;
