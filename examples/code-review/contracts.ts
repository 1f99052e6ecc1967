import Type, { type Static } from 'typebox';

/** One test case of the function: its arguments and the result it must return. */
export const TestCase = Type.Object(
  { a: Type.Number(), b: Type.Number(), expected: Type.Number() },
  { additionalProperties: false },
);
export type TestCase = Static<typeof TestCase>;

/** The task: a function of `a` and `b` to write, what it should do, and the tests it must pass. */
export const Task = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    issue: Type.String({ minLength: 1 }),
    tests: Type.Array(TestCase, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type Task = Static<typeof Task>;

/**
 * The coder's patch: the function's body as an arithmetic expression of `a` and `b` (numbers, + - * /
 * and parentheses), and its doc comment.
 */
export const Patch = Type.Object(
  { name: Type.String({ minLength: 1 }), body: Type.String({ minLength: 1 }), doc: Type.String() },
  { additionalProperties: false },
);
export type Patch = Static<typeof Patch>;
