import { defineAgent, defineFlow } from 'baton-flow';
import { flowGraph, toMermaid } from 'baton-flow/report';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { support } from '../../examples/support/flow.js';

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
    const shapes = [
      /^ {2}classDef baton_\w+ [\w#:,-]+$/,
      /^ {2}state "[^"]+" as [A-Za-z_][A-Za-z0-9_]*$/,
      /^ {2}[A-Za-z_][A-Za-z0-9_]* : [^\n;#{}]+$/,
      /^ {2}(?:\[\*\]|[A-Za-z_][A-Za-z0-9_]*) --> [A-Za-z_][A-Za-z0-9_]*(?: : [^\n;#{}]+)?$/,
      /^ {2}class [A-Za-z_][A-Za-z0-9_]*(?:, [A-Za-z_][A-Za-z0-9_]*)* baton_\w+$/,
    ];
    const odd = lines.slice(1).filter((line) => !shapes.some((shape) => shape.test(line)));
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
