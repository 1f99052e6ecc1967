import Type, { type Static } from 'typebox';

/** One clause of the contract under review. */
export const Clause = Type.Object(
  { id: Type.String({ minLength: 1 }), text: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
export type Clause = Static<typeof Clause>;

/** The contract to review: its id and its clauses, each with an id. */
export const Contract = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    title: Type.String(),
    clauses: Type.Array(Clause, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type Contract = Static<typeof Contract>;

/** The analysis of one clause: its risk, and why. */
export const ClauseAnalysis = Type.Object(
  {
    clauseId: Type.String({ minLength: 1 }),
    risk: Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')]),
    note: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);
export type ClauseAnalysis = Static<typeof ClauseAnalysis>;

/** The review: one analysis per clause, and the clauses a lawyer must look at. */
export const Review = Type.Object(
  {
    contractId: Type.String({ minLength: 1 }),
    analyses: Type.Array(ClauseAnalysis),
    escalate: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);
export type Review = Static<typeof Review>;
