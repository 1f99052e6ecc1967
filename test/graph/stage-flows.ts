// Flows whose diagrams have a judge or a human wait, for the tests of flowGraph, toSvg and toMermaid.
import { defineAgent, defineFlow, defineJudge, defineStep, defineTool } from 'baton-flow';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';

const model = scripted([]);

const Claim = Type.Object({ id: Type.String(), amount: Type.Number() }, { title: 'Claim' });
const Outcome = Type.Object({ id: Type.String(), refunded: Type.Boolean() }, { title: 'Outcome' });

const refund = defineTool({
  name: 'refund',
  description: 'Refunds a claim.',
  input: Type.Object({ amount: Type.Number() }),
  needsApproval: ({ amount }) => amount > 100,
  run: ({ input }) => ({ refunded: input.amount }),
});
const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a claim up.',
  input: Type.Object({ id: Type.String() }),
  run: ({ input }) => ({ id: input.id }),
});

/** One agent with a tool that needs approval and one that does not. */
export const refunds = defineFlow({
  id: 'refunds',
  input: Claim,
  output: Outcome,
  start: 'clerk',
  agents: [
    defineAgent({
      name: 'clerk',
      description: 'Refunds claims.',
      input: Claim,
      instructions: 'Refund the claim.',
      model,
      tools: [lookup, refund],
    }),
  ],
  finish: ['clerk'],
});

const Brief = Type.Object({ topic: Type.String() }, { title: 'Brief' });
const Memo = Type.Object(
  {
    text: Type.String(),
    assumptions: Type.Array(Type.Object({ text: Type.String(), critical: Type.Boolean() })),
  },
  { title: 'Memo' },
);

const researcher = defineAgent({
  name: 'researcher',
  description: 'Finds sources, asking when the brief is unclear.',
  input: Brief,
  instructions: 'Research.',
  model,
  ask: true,
});
const writer = defineAgent({
  name: 'writer',
  description: 'Writes the memo.',
  input: Brief,
  output: Memo,
  instructions: 'Write.',
  model,
});

/** A researcher that may ask; a writer whose memo a judge verifies and whose assumptions a person confirms. */
export const memo = defineFlow({
  id: 'memo',
  input: Brief,
  output: Memo,
  start: 'researcher',
  agents: [researcher, writer],
  routes: { researcher: ['writer'] },
  finish: ['writer'],
  verify: {
    criteria: [
      { id: 'sourced', description: 'Every claim cites a source.', judge: true },
      { id: 'short', description: 'At most 500 words.', check: () => true },
    ],
    judge: defineJudge({
      name: 'critic',
      description: 'Judges whether the memo is sourced.',
      instructions: 'Judge.',
      model,
      budget: { turns: 1 },
    }),
    rounds: 2,
  },
  assumptions: 'assumptions',
  limits: { humanMs: 86_400_000 },
});

/** A flow with assumptions and no judge, whose finishers are an agent and a code step. */
export const assumed = defineFlow({
  id: 'assumed',
  input: Brief,
  output: Memo,
  start: 'writer',
  agents: [
    writer,
    defineStep({
      name: 'tidy',
      description: 'Tidies a memo in code.',
      input: Memo,
      output: Memo,
      run: ({ input }) => ({ ...input, text: input.text.trim() }),
    }),
  ],
  routes: { writer: ['tidy'] },
  finish: ['writer', 'tidy'],
  assumptions: 'assumptions',
});

/** A flow whose token and cost limits wait for a person: every agent can make it wait, no code step can. */
export const metered = defineFlow({
  id: 'metered',
  input: Brief,
  output: Memo,
  start: 'draft',
  agents: [
    defineStep({
      name: 'draft',
      description: 'Drafts a brief in code.',
      input: Brief,
      output: Brief,
      run: ({ input }) => input,
    }),
    researcher,
    writer,
  ],
  routes: { draft: ['researcher'], researcher: ['writer'] },
  finish: ['writer'],
  limitPolicy: { usd: 'wait', tokens: 'wait', turns: 'escalate' },
  limits: { usd: 1 },
});

/** Two finishers verified by a judge with no deterministic check. */
export const twoWriters = defineFlow({
  id: 'two-writers',
  input: Brief,
  output: Memo,
  start: 'writer',
  agents: [
    writer,
    defineAgent({
      name: 'rewriter',
      description: 'Rewrites the memo.',
      input: Brief,
      output: Memo,
      instructions: 'Rewrite.',
      model,
    }),
  ],
  routes: { writer: ['rewriter'] },
  finish: ['writer', 'rewriter'],
  verify: {
    criteria: [{ id: 'clear', description: 'Reads clearly.', judge: true }],
    judge: defineJudge({ name: 'editor', instructions: 'Judge.', model }),
  },
});
