import Type, { type Static } from 'typebox';

/** A support ticket as it arrives. */
export const Ticket = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    customer: Type.String({ minLength: 1 }),
    subject: Type.String(),
    body: Type.String(),
  },
  { additionalProperties: false },
);
export type Ticket = Static<typeof Ticket>;

/** What billing needs to know, and nothing else. */
export const BillingCase = Type.Object(
  {
    ticketId: Type.String({ minLength: 1 }),
    customer: Type.String({ minLength: 1 }),
    question: Type.String({ minLength: 1 }),
    invoiceId: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

/** What tech support needs to know, and nothing else. */
export const TechCase = Type.Object(
  {
    ticketId: Type.String({ minLength: 1 }),
    customer: Type.String({ minLength: 1 }),
    problem: Type.String({ minLength: 1 }),
    product: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

/** The flow's result: the reply to send and what was done. */
export const Resolution = Type.Object(
  {
    ticketId: Type.String({ minLength: 1 }),
    team: Type.Union([Type.Literal('billing'), Type.Literal('tech')]),
    reply: Type.String({ minLength: 1 }),
    actions: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);
export type Resolution = Static<typeof Resolution>;
