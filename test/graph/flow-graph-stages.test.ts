import { type AnyFlow, AWAITING_HUMAN, defineAgent, defineFlow, defineStep } from 'baton-flow';
import { type FlowGraph, flowGraph } from 'baton-flow/report';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { codeReview } from '../../examples/code-review/flow.js';
import { customerService } from '../../examples/customer-service/flow.js';
import { support } from '../../examples/support/flow.js';
import { machineGraph } from '../../machines/check/machine-graph.js';
import { assumed, memo, metered, refunds, twoWriters } from './stage-flows.js';

const model = scripted([]);
const Brief = Type.Object({ topic: Type.String() }, { title: 'Brief' });
const Draft = Type.Object({ text: Type.String() }, { title: 'Draft' });
const plan = defineStep({
  name: 'plan',
  description: 'Turns a brief into a first draft.',
  input: Brief,
  output: Draft,
  run: ({ input }) => ({ text: input.topic }),
});
const writer = defineAgent({
  name: 'writer',
  description: 'Writes.',
  input: Draft,
  instructions: 'x',
  model,
});
/** A flow with neither a judge nor a wait. */
const article = defineFlow({
  id: 'article',
  input: Brief,
  output: Draft,
  start: 'plan',
  agents: [plan, writer],
  routes: { plan: ['writer'] },
  finish: ['writer'],
  limitPolicy: { tokens: 'escalate' },
});

/** A machine's transitions as a diagram draws them: `kind from→to`, less what a diagram leaves out. */
function machineArrows(flow: AnyFlow): string[] {
  const graph = machineGraph(flow.machine);
  const arrows = new Set<string>();
  for (const edge of graph.edges) {
    // Left out: self-loops (repairs, revisions after a failed check), the cancel and the deadline every
    // state has, and the start's failure on an invalid input.
    if (edge.from === edge.to || edge.kind === 'cancel' || edge.kind === 'deadline') continue;
    if (edge.from === 'start' && edge.to !== flow.start) continue;
    const kind =
      edge.kind === 'human_timeout'
        ? 'escalate'
        : edge.kind === 'error'
          ? 'fail'
          : edge.kind === 'finish' && edge.from === AWAITING_HUMAN
            ? 'confirm'
            : edge.kind;
    arrows.add(`${kind} ${edge.from === 'start' ? '' : edge.from}→${edge.to}`);
  }
  return [...arrows].sort();
}

const arrowsOf = (graph: FlowGraph) =>
  graph.edges.map((edge) => `${edge.kind} ${edge.from ?? ''}→${edge.to}`).sort();

describe('flowGraph: the judge and the human wait', () => {
  it('draws the judge of a verified flow: its node, the verify and revise arrows, its finish and exits', () => {
    const graph = flowGraph(codeReview);
    expect(graph.nodes.map((n) => [n.kind, n.id])).toEqual([
      ['agent', 'coder'],
      ['judge', 'verifying'],
      ['ending', 'done'],
      ['ending', 'escalated'],
      ['ending', 'failed'],
      ['ending', 'cancelled'],
    ]);
    expect(graph.nodes[1]).toEqual({
      kind: 'judge',
      id: 'verifying',
      name: 'reviewer',
      description: 'Judges a result against acceptance criteria.',
      model: 'scripted',
      budget: { turns: 2, maxOutputTokens: 4096 },
      criteria: ['readable'],
      checks: ['tests-pass', 'documented'],
      rounds: 3,
    });
    expect(graph.edges).toEqual([
      { kind: 'start', from: null, to: 'coder', label: '' },
      { kind: 'finish', from: 'coder', to: 'done', label: '{name, body, doc}' },
      { kind: 'verify', from: 'coder', to: 'verifying', label: 'verify' },
      { kind: 'finish', from: 'verifying', to: 'done', label: '{name, body, doc}' },
      { kind: 'revise', from: 'verifying', to: 'coder', label: 'revise · rounds ≤ 3' },
      { kind: 'escalate', from: 'coder', to: 'escalated', label: '' },
      { kind: 'fail', from: 'coder', to: 'failed', label: '' },
      { kind: 'escalate', from: 'verifying', to: 'escalated', label: '' },
      { kind: 'fail', from: 'verifying', to: 'failed', label: '' },
    ]);
  });

  it('verifies the result of every finishing agent and sends each back to revise', () => {
    const edges = flowGraph(twoWriters).edges.filter((e) => e.kind === 'verify' || e.kind === 'revise');
    expect(edges).toEqual([
      { kind: 'verify', from: 'writer', to: 'verifying', label: 'verify' },
      { kind: 'verify', from: 'rewriter', to: 'verifying', label: 'verify' },
      { kind: 'revise', from: 'verifying', to: 'writer', label: 'revise · rounds ≤ 3' },
      { kind: 'revise', from: 'verifying', to: 'rewriter', label: 'revise · rounds ≤ 3' },
    ]);
  });

  it('draws the human wait of a flow whose agent asks: a wait from it, an answer back, a timeout', () => {
    const graph = flowGraph(support);
    expect(graph.nodes.map((n) => n.id)).toEqual([
      'triage',
      'billing',
      'tech',
      'awaiting_human',
      'done',
      'escalated',
      'failed',
      'cancelled',
    ]);
    expect(graph.nodes[3]).toEqual({
      kind: 'human',
      id: 'awaiting_human',
      description: 'The run waits for a person to answer a question from tech.',
      waiters: [{ agent: 'tech', ask: true, approvals: [], limits: [], assumptions: false }],
      assumptions: null,
    });
    expect(graph.edges.filter((e) => e.from === 'awaiting_human' || e.to === 'awaiting_human')).toEqual([
      { kind: 'wait', from: 'tech', to: 'awaiting_human', label: 'ask' },
      { kind: 'answer', from: 'awaiting_human', to: 'tech', label: 'answer' },
      { kind: 'escalate', from: 'awaiting_human', to: 'escalated', label: 'no answer in 7 d' },
    ]);
  });

  it('names the tools whose calls need approval, and only those', () => {
    const graph = flowGraph(refunds);
    expect(graph.nodes.find((n) => n.kind === 'human')).toEqual({
      kind: 'human',
      id: 'awaiting_human',
      description: 'The run waits for a person to approve a call to refund.',
      waiters: [{ agent: 'clerk', ask: false, approvals: ['refund'], limits: [], assumptions: false }],
      assumptions: null,
    });
    expect(graph.edges).toEqual([
      { kind: 'start', from: null, to: 'clerk', label: '' },
      { kind: 'finish', from: 'clerk', to: 'done', label: 'Outcome' },
      { kind: 'wait', from: 'clerk', to: 'awaiting_human', label: 'approve refund' },
      { kind: 'answer', from: 'awaiting_human', to: 'clerk', label: 'answer' },
      { kind: 'escalate', from: 'clerk', to: 'escalated', label: '' },
      { kind: 'fail', from: 'clerk', to: 'failed', label: '' },
      { kind: 'escalate', from: 'awaiting_human', to: 'escalated', label: 'no answer' },
    ]);
  });

  it('sends a result with critical assumptions to a person from the agent that finished and the judge, then to done', () => {
    const graph = flowGraph(memo);
    expect(graph.nodes.map((n) => [n.kind, n.id])).toEqual([
      ['agent', 'researcher'],
      ['agent', 'writer'],
      ['judge', 'verifying'],
      ['human', 'awaiting_human'],
      ['ending', 'done'],
      ['ending', 'escalated'],
      ['ending', 'failed'],
      ['ending', 'cancelled'],
    ]);
    expect(graph.nodes[3]).toEqual({
      kind: 'human',
      id: 'awaiting_human',
      description:
        "The run waits for a person to answer a question from researcher or confirm a result's critical assumptions.",
      waiters: [
        { agent: 'researcher', ask: true, approvals: [], limits: [], assumptions: false },
        { agent: 'writer', ask: false, approvals: [], limits: [], assumptions: true },
      ],
      assumptions: 'assumptions',
    });
    expect(graph.edges.slice(1, -7)).toEqual([
      { kind: 'handoff', from: 'researcher', to: 'writer', label: 'Brief' },
      { kind: 'finish', from: 'writer', to: 'done', label: 'Memo' },
      { kind: 'verify', from: 'writer', to: 'verifying', label: 'verify' },
      { kind: 'finish', from: 'verifying', to: 'done', label: 'Memo' },
      { kind: 'revise', from: 'verifying', to: 'writer', label: 'revise · rounds ≤ 2' },
      { kind: 'wait', from: 'researcher', to: 'awaiting_human', label: 'ask' },
      { kind: 'wait', from: 'writer', to: 'awaiting_human', label: 'confirm assumptions' },
      { kind: 'wait', from: 'verifying', to: 'awaiting_human', label: 'confirm assumptions' },
      { kind: 'answer', from: 'awaiting_human', to: 'researcher', label: 'answer' },
      { kind: 'answer', from: 'awaiting_human', to: 'writer', label: 'answer' },
      { kind: 'confirm', from: 'awaiting_human', to: 'done', label: 'confirmed' },
    ]);
    expect(graph.edges.slice(-3)).toEqual([
      { kind: 'escalate', from: 'verifying', to: 'escalated', label: '' },
      { kind: 'fail', from: 'verifying', to: 'failed', label: '' },
      { kind: 'escalate', from: 'awaiting_human', to: 'escalated', label: 'no answer in 1 d' },
    ]);
  });

  it('lets only agents wait: a finishing code step confirms no assumptions', () => {
    const graph = flowGraph(assumed);
    const human = graph.nodes.find((n) => n.kind === 'human');
    expect(human).toMatchObject({
      waiters: [{ agent: 'writer', ask: false, approvals: [], limits: [], assumptions: true }],
    });
    expect(graph.edges.filter((e) => e.kind === 'wait' || e.kind === 'confirm')).toEqual([
      { kind: 'wait', from: 'writer', to: 'awaiting_human', label: 'confirm assumptions' },
      { kind: 'confirm', from: 'awaiting_human', to: 'done', label: 'confirmed' },
    ]);
  });

  it('lets every agent wait for more of a limit whose policy is wait, and a person refuse it', () => {
    const graph = flowGraph(metered);
    expect(graph.nodes.find((n) => n.kind === 'human')).toEqual({
      kind: 'human',
      id: 'awaiting_human',
      description:
        "The run waits for a person to answer a question from researcher or allow more tokens or cost than the flow's limits.",
      waiters: [
        { agent: 'researcher', ask: true, approvals: [], limits: ['tokens', 'usd'], assumptions: false },
        { agent: 'writer', ask: false, approvals: [], limits: ['tokens', 'usd'], assumptions: false },
      ],
      assumptions: null,
    });
    expect(graph.edges.filter((e) => e.from === 'awaiting_human' || e.to === 'awaiting_human')).toEqual([
      { kind: 'wait', from: 'researcher', to: 'awaiting_human', label: 'ask · more tokens, cost' },
      { kind: 'wait', from: 'writer', to: 'awaiting_human', label: 'more tokens, cost' },
      { kind: 'answer', from: 'awaiting_human', to: 'researcher', label: 'answer' },
      { kind: 'answer', from: 'awaiting_human', to: 'writer', label: 'answer' },
      { kind: 'escalate', from: 'awaiting_human', to: 'escalated', label: 'refused, or no answer' },
    ]);
  });

  it('draws no judge and no wait for a flow without them: checks alone, assumptions on a code step', () => {
    const checks = { criteria: [{ id: 'long', description: 'Long enough.', check: () => true }] };
    const checksOnly = defineFlow({
      id: 'checks-only',
      input: Brief,
      output: Draft,
      start: 'plan',
      agents: [plan, writer],
      routes: { plan: ['writer'] },
      finish: ['writer'],
      verify: checks,
    });
    const stepOnly = defineFlow({
      id: 'step-only',
      input: Brief,
      output: Draft,
      start: 'plan',
      agents: [plan],
      finish: ['plan'],
      assumptions: 'assumptions',
    });
    for (const flow of [article, checksOnly, stepOnly]) {
      const graph = flowGraph(flow);
      expect(graph.nodes.map((n) => n.kind).filter((kind) => kind !== 'ending')).toEqual(
        flow === stepOnly ? ['step'] : ['step', 'agent'],
      );
      expect(new Set(graph.edges.map((e) => e.kind))).toEqual(
        new Set(
          flow === stepOnly
            ? ['start', 'finish', 'escalate', 'fail']
            : ['start', 'handoff', 'finish', 'escalate', 'fail'],
        ),
      );
    }
    // With assumptions the writer of the same flow may wait; its checks alone still draw no judge.
    const assuming = defineFlow({
      id: 'assuming',
      input: Brief,
      output: Draft,
      start: 'plan',
      agents: [plan, writer],
      routes: { plan: ['writer'] },
      finish: ['writer'],
      verify: checks,
      assumptions: 'assumptions',
    });
    expect(flowGraph(assuming).nodes.map((n) => n.kind)).toEqual([
      'step',
      'agent',
      'human',
      'ending',
      'ending',
      'ending',
      'ending',
    ]);
  });

  it('draws exactly the transitions of the compiled machine, less self-loops, cancels and the deadline', () => {
    for (const flow of [
      support,
      codeReview,
      customerService,
      refunds,
      memo,
      assumed,
      metered,
      twoWriters,
      article,
    ]) {
      expect(arrowsOf(flowGraph(flow)), flow.id).toEqual(machineArrows(flow));
    }
  });
});
