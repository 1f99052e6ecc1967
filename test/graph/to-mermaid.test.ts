import { defineAgent, defineFlow } from 'baton-flow';
import { flowGraph, toMermaid } from 'baton-flow/report';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { codeReview } from '../../examples/code-review/flow.js';
import { support } from '../../examples/support/flow.js';
import { memo, metered, refunds } from './stage-flows.js';

const model = scripted([]);
const Note = Type.Object({ text: Type.String() });

/** A flow whose agent names Mermaid cannot take as state ids: a keyword and a name with a dash. */
const awkward = defineFlow({
  id: 'awkward',
  input: Note,
  output: Note,
  start: 'note',
  agents: [
    defineAgent({
      name: 'note',
      description: 'Takes {notes}; hands them on #1.',
      input: Note,
      instructions: 'x',
      model,
    }),
    defineAgent({
      name: 'fix-up',
      description: 'Fixes: "all" of it.',
      input: Note,
      instructions: 'x',
      model,
    }),
  ],
  routes: { note: ['fix-up'] },
  finish: ['fix-up'],
});

/** The shapes of a Mermaid state diagram's lines after its first: styles, states, descriptions, transitions. */
const SHAPES = [
  /^ {2}classDef baton_\w+ [\w#:,-]+$/,
  /^ {2}state "[^"]+" as [A-Za-z_][A-Za-z0-9_]*$/,
  /^ {2}[A-Za-z_][A-Za-z0-9_]* : [^\n;#{}]+$/,
  /^ {2}(?:\[\*\]|[A-Za-z_][A-Za-z0-9_]*) --> [A-Za-z_][A-Za-z0-9_]*(?: : [^\n;#{}]+)?$/,
  /^ {2}class [A-Za-z_][A-Za-z0-9_]*(?:, [A-Za-z_][A-Za-z0-9_]*)* baton_\w+$/,
];

/** The lines of a Mermaid state diagram after its front matter. */
function body(text: string): string[] {
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toBe('---');
  const close = lines.indexOf('---', 1);
  expect(close).toBeGreaterThan(0);
  return lines.slice(close + 1);
}

describe('toMermaid', () => {
  it('writes the support example as the committed golden file', async () => {
    await expect(toMermaid(flowGraph(support))).toMatchFileSnapshot('../fixtures/graph/support.mmd');
  });

  it('writes a stateDiagram-v2 whose every line is a declaration, a description, a transition or a style', () => {
    const lines = body(toMermaid(flowGraph(support)));
    expect(lines[0]).toBe('stateDiagram-v2');
    const odd = lines.slice(1).filter((line) => !SHAPES.some((shape) => shape.test(line)));
    expect(odd).toEqual([]);
  });

  it('declares every agent and final state, and draws every route, finish and exit', () => {
    const text = toMermaid(flowGraph(support));
    for (const state of ['triage', 'billing', 'tech', 'done', 'escalated', 'failed', 'cancelled']) {
      expect(text).toContain(`  state "${state}" as ${state}\n`);
    }
    expect(text).toContain('  [*] --> triage\n');
    expect(text).toContain('  triage --> billing : (ticketId, customer, question, …)\n');
    expect(text).toContain('  billing --> done : finish (ticketId, team, reply, …)\n');
    expect(text).toContain('  tech --> failed\n');
    expect(text).toContain('title: support · handoffs ≤ 4 · visits ≤ 2');
    expect(text).toMatch(/ {2}billing : .*\d+ turns · [\d,]+ out\/call/);
  });

  it('leaves the exits and the details out when asked', () => {
    const text = toMermaid(flowGraph(support), { exits: false, details: false });
    expect(text).not.toMatch(/--> (escalated|failed)/);
    expect(text).not.toMatch(/ {2}triage : /);
    expect(text).toContain('  state "escalated" as escalated\n');
  });

  it('gives agents Mermaid cannot name safe ids, and keeps their names and text readable', () => {
    const text = toMermaid(flowGraph(awkward));
    expect(text).toContain('  state "note" as s_note\n');
    expect(text).toContain('  state "fix-up" as s_fix_up\n');
    expect(text).toContain('  s_note --> s_fix_up');
    expect(text).toContain("  s_fix_up : Fixes: 'all' of it.\n");
    expect(text).toContain('  s_note : Takes (notes), hands them on no.1.\n');
  });
});

describe('toMermaid: the judge and the human wait', () => {
  it('draws the judge by its name in the verifying state, styled apart, with its verify and revise', () => {
    const text = toMermaid(flowGraph(codeReview));
    const lines = body(text);
    expect(lines.slice(1).filter((line) => !SHAPES.some((shape) => shape.test(line)))).toEqual([]);
    expect(lines).toEqual(
      expect.arrayContaining([
        '  classDef baton_judge fill:#f4efff,stroke:#7c3aed,color:#2e1065,stroke-width:2px',
        '  state "reviewer" as verifying',
        '  verifying : Judges a result against acceptance criteria.',
        '  verifying : judge · scripted · 2 turns · 4,096 out/call',
        '  verifying : judges: readable',
        '  verifying : after checks: tests-pass, documented',
        '  coder --> verifying : verify',
        '  verifying --> done : finish (name, body, doc)',
        '  verifying --> coder : revise · rounds ≤ 3',
        '  verifying --> escalated',
        '  verifying --> failed',
        '  class verifying baton_judge',
      ]),
    );
    expect(text).not.toContain('baton_human');
  });

  it('draws the human wait with what a person does there, its waits, answers and exit', () => {
    const text = toMermaid(flowGraph(metered));
    const lines = body(text);
    expect(lines.slice(1).filter((line) => !SHAPES.some((shape) => shape.test(line)))).toEqual([]);
    expect(lines).toEqual(
      expect.arrayContaining([
        '  classDef baton_human fill:#ecfeff,stroke:#0e7490,color:#083344,stroke-dasharray:5',
        '  state "awaiting_human" as awaiting_human',
        '  awaiting_human : questions: researcher',
        '  awaiting_human : more: tokens, cost',
        '  awaiting_human : asks ≤ 8',
        '  researcher --> awaiting_human : ask · more tokens, cost',
        '  writer --> awaiting_human : more tokens, cost',
        '  awaiting_human --> researcher : answer',
        '  awaiting_human --> writer : answer',
        '  awaiting_human --> escalated : refused, or no answer',
        '  class awaiting_human baton_human',
      ]),
    );
    expect(lines.filter((line) => line.includes('draft --> awaiting_human'))).toEqual([]);
    expect(text).not.toContain('baton_judge');
  });

  it('names the tools that need approval and confirms assumptions to done', () => {
    expect(toMermaid(flowGraph(refunds))).toContain('  clerk --> awaiting_human : approve refund\n');
    const text = toMermaid(flowGraph(memo));
    for (const line of [
      '  verifying --> awaiting_human : confirm assumptions',
      '  awaiting_human --> done : confirmed',
      '  awaiting_human : confirms assumptions',
      '  awaiting_human --> escalated : no answer in 1 d',
    ]) {
      expect(text).toContain(`${line}\n`);
    }
  });

  it('leaves the exits of the judge and the human wait out with the others when asked', () => {
    const text = toMermaid(flowGraph(memo), { exits: false, details: false });
    expect(text).not.toMatch(/--> (escalated|failed)/);
    expect(text).not.toMatch(/ {2}(verifying|awaiting_human) : /);
    expect(text).toContain('  verifying --> writer : revise · rounds ≤ 2\n');
    expect(text).toContain('  state "critic" as verifying\n');
  });
});
