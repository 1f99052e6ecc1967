import { defineAgent, defineFlow, defineStep, isBatonError, jsonSchema } from 'baton-flow';
import { type FlowGraphAgent, flowGraph } from 'baton-flow/report';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { support } from '../../examples/support/flow.js';
import { contractName } from '../../runtime/graph/contract-name.js';

const model = scripted([]);
const Brief = Type.Object({ topic: Type.String() }, { title: 'Brief' });
const Draft = Type.Object({ text: Type.String(), words: Type.Integer() }, { title: 'Draft' });
const Article = Type.Object({ text: Type.String() }, { $id: 'https://example.com/schemas/article.json' });

const plan = defineStep({
  name: 'plan',
  description: 'Turns a brief into a first draft.',
  input: Brief,
  output: Draft,
  run: ({ input }) => ({ text: input.topic, words: 1 }),
});
const writer = defineAgent({
  name: 'writer',
  description: 'Writes the draft out.',
  input: Draft,
  instructions: 'Write.',
  model,
  budget: { turns: 3, maxOutputTokens: 800, tokens: 5000 },
});
const editor = defineAgent({
  name: 'editor',
  description: 'Edits the draft.',
  input: Draft,
  output: Article,
  instructions: 'Edit.',
  model,
});
const article = defineFlow({
  id: 'article',
  version: '2',
  input: Brief,
  output: Article,
  start: 'plan',
  agents: [plan, writer, editor],
  routes: { plan: ['writer'], writer: ['editor'], editor: ['writer'] },
  finish: ['editor'],
  limits: { handoffs: 6, usd: 0.25, ms: 90_000 },
});

describe('flowGraph', () => {
  it('has a node for every agent and code step, then the four final states', () => {
    const graph = flowGraph(article);
    expect(graph.nodes.map((n) => [n.kind, n.id])).toEqual([
      ['step', 'plan'],
      ['agent', 'writer'],
      ['agent', 'editor'],
      ['ending', 'done'],
      ['ending', 'escalated'],
      ['ending', 'failed'],
      ['ending', 'cancelled'],
    ]);
    expect(graph).toMatchObject({ flow: 'article', version: '2' });
  });

  it('labels each route with the name of the contract its payload must fit', () => {
    const handoffs = flowGraph(article).edges.filter((e) => e.kind === 'handoff');
    expect(handoffs).toEqual([
      { kind: 'handoff', from: 'plan', to: 'writer', label: 'Draft' },
      { kind: 'handoff', from: 'writer', to: 'editor', label: 'Draft' },
      { kind: 'handoff', from: 'editor', to: 'writer', label: 'Draft' },
    ]);
  });

  it('enters the start agent, finishes to done with the result contract, and gives every agent its exits', () => {
    const edges = flowGraph(article).edges;
    expect(edges[0]).toEqual({ kind: 'start', from: null, to: 'plan', label: '' });
    expect(edges.filter((e) => e.kind === 'finish')).toEqual([
      { kind: 'finish', from: 'editor', to: 'done', label: 'article' },
    ]);
    for (const agent of ['plan', 'writer', 'editor']) {
      expect(edges).toContainEqual({ kind: 'escalate', from: agent, to: 'escalated', label: '' });
      expect(edges).toContainEqual({ kind: 'fail', from: agent, to: 'failed', label: '' });
    }
  });

  it('shows budgets: the flow limits that are set and each agent its own', () => {
    const graph = flowGraph(article);
    expect(graph.limits).toMatchObject({
      handoffs: 6,
      visits: 2,
      repairs: 2,
      turns: 32,
      usd: 0.25,
      ms: 90_000,
    });
    expect(graph.limits).not.toHaveProperty('tokens');
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    expect((byId.get('writer') as FlowGraphAgent).budget).toEqual({
      turns: 3,
      tokens: 5000,
      maxOutputTokens: 800,
    });
    expect(byId.get('plan')).toMatchObject({
      kind: 'step',
      model: null,
      budget: {},
      start: true,
      finish: false,
    });
    expect(byId.get('editor')).toMatchObject({
      model: 'scripted',
      input: 'Draft',
      finish: true,
      start: false,
    });
  });

  it('draws the support example: three agents, four routes, two finishes', () => {
    const graph = flowGraph(support);
    const agents = graph.nodes.filter((n) => n.kind === 'agent').map((n) => n.id);
    expect(agents).toEqual(['triage', 'billing', 'tech']);
    const routes = graph.edges.filter((e) => e.kind === 'handoff').map((e) => `${e.from}→${e.to}`);
    expect(routes).toEqual(['triage→billing', 'triage→tech', 'billing→tech', 'tech→billing']);
    expect(graph.edges.filter((e) => e.kind === 'finish').map((e) => e.from)).toEqual(['billing', 'tech']);
    expect(graph.nodes.find((n) => n.id === 'billing')).toMatchObject({ tools: ['lookup_invoice'] });
  });

  it('throws invalid_argument for what is not a flow', () => {
    try {
      flowGraph({ id: 'nope' } as never);
      expect.unreachable();
    } catch (error) {
      expect(isBatonError(error) && error.code).toBe('invalid_argument');
      expect((error as Error).message).toMatch(/defineFlow/);
    }
  });
});

describe('contractName', () => {
  it('is the title, else the last part of the $id, else the first property names', () => {
    expect(contractName(Brief)).toBe('Brief');
    expect(contractName(Article)).toBe('article');
    expect(contractName(jsonSchema({ type: 'object', $id: 'urn:baton#Ticket' }))).toBe('Ticket');
    expect(contractName(Type.Object({ a: Type.String(), b: Type.String() }))).toBe('{a, b}');
    expect(
      contractName(Type.Object({ a: Type.String(), b: Type.String(), c: Type.String(), d: Type.String() })),
    ).toBe('{a, b, c, …}');
    expect(contractName(jsonSchema({ type: 'object' }))).toBe('object');
  });
});
