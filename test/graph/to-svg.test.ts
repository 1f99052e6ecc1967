import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineAgent, defineFlow } from 'baton-flow';
import { flowGraph, toSvg } from 'baton-flow/report';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { codeReview } from '../../examples/code-review/flow.js';
import { support } from '../../examples/support/flow.js';
import { xmlProblems } from '../helpers/xml.js';
import { memo, refunds } from './stage-flows.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** The attribute values of every element of a kind with a class, as `data-*` pairs. */
function elements(svg: string, tag: string, cls: string): string[] {
  return [...svg.matchAll(new RegExp(`<${tag} class="([^"]*)"([^>]*)>`, 'g'))]
    .filter((m) => m[1]!.split(' ').includes(cls))
    .map((m) => `${m[1]}|${m[2]}`);
}

const dataOf = (element: string, name: string) => new RegExp(`data-${name}="([^"]*)"`).exec(element)?.[1];

describe('toSvg', () => {
  it('writes a well-formed standalone SVG document', () => {
    const svg = toSvg(flowGraph(support));
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*viewBox="0 0 [\d.]+ [\d.]+"/);
    expect(svg).not.toMatch(/<script|<image|href=|@import|url\((?!#)/);
  });

  it('draws a box for every agent, the human wait and final state, and an arrow for every route, finish, wait and answer', () => {
    const svg = toSvg(flowGraph(support));
    const states = elements(svg, 'g', 'node').map((e) => dataOf(e, 'state'));
    expect(states).toEqual([
      'triage',
      'billing',
      'tech',
      'awaiting_human',
      'done',
      'escalated',
      'failed',
      'cancelled',
    ]);
    const arrows = elements(svg, 'path', 'edge').map((e) => `${dataOf(e, 'from')}→${dataOf(e, 'to')}`);
    expect(arrows.sort()).toEqual(
      [
        '→triage',
        'triage→billing',
        'triage→tech',
        'billing→tech',
        'tech→billing',
        'billing→done',
        'tech→done',
        'tech→awaiting_human',
        'awaiting_human→tech',
      ].sort(),
    );
    expect(svg).toContain('>{ticketId, customer, question, …}</text>');
    expect(svg).toContain('>tools: lookup_invoice</text>');
    expect(svg).toContain('>handoffs ≤ 4 · visits ≤ 2');
  });

  it('draws the exits of every agent and the human wait when asked', () => {
    const svg = toSvg(flowGraph(support), { exits: true });
    const exits = elements(svg, 'path', 'edge').filter((e) => /\b(escalate|fail)\b/.test(e));
    expect(exits).toHaveLength(7);
    expect(xmlProblems(svg)).toEqual([]);
  });

  it('highlights the path a run took, its visits, and the agent it ended at', () => {
    const svg = toSvg(flowGraph(support), {
      highlight: { path: ['triage', 'billing', 'tech', 'billing', 'failed'], agent: 'billing' },
    });
    const taken = elements(svg, 'path', 'taken').map((e) => `${dataOf(e, 'from')}→${dataOf(e, 'to')}`);
    expect(taken.sort()).toEqual(
      ['→triage', 'triage→billing', 'billing→tech', 'tech→billing', 'billing→failed'].sort(),
    );
    const visited = elements(svg, 'g', 'visited').map((e) => dataOf(e, 'state'));
    expect(visited).toEqual(['triage', 'billing', 'tech', 'failed']);
    expect(elements(svg, 'g', 'culprit').map((e) => dataOf(e, 'state'))).toEqual(['billing']);
    expect(svg).toContain('<title>2 visits</title>');
    expect(svg).toMatch(/^<svg [^>]*class="baton highlighted"/);
    expect(xmlProblems(svg)).toEqual([]);
  });

  it('draws an arrow the run took that the flow has none for, such as failing before the first agent', () => {
    const svg = toSvg(flowGraph(support), { highlight: { path: ['failed'] } });
    const taken = elements(svg, 'path', 'taken').map((e) => `${dataOf(e, 'from')}→${dataOf(e, 'to')}`);
    expect(taken).toEqual(['→failed']);
  });

  it('escapes every text it draws and prefixes its ids', () => {
    const Note = Type.Object({ text: Type.String() }, { title: 'A<B & "C"' });
    const flow = defineFlow({
      id: 'escapes',
      input: Note,
      output: Note,
      start: 'a',
      agents: [
        defineAgent({
          name: 'a',
          description: '<script>alert("x")</script> & co',
          input: Note,
          instructions: 'x',
          model: scripted([]),
        }),
        defineAgent({ name: 'b', description: 'b', input: Note, instructions: 'x', model: scripted([]) }),
      ],
      routes: { a: ['b'] },
      finish: ['b'],
    });
    const svg = toSvg(flowGraph(flow), { idPrefix: 'one' });
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(svg).toContain('>A&lt;B &amp; &quot;C&quot;</text>');
    expect(svg).toContain('id="one-arrow"');
    expect(svg).not.toContain('id="baton-');
  });

  it('gives the same drawing for the same flow', () => {
    expect(toSvg(flowGraph(support))).toBe(toSvg(flowGraph(support)));
  });

  it('matches the diagram of the support example the README shows', () => {
    const committed = readFileSync(join(root, 'docs/images/support.svg'), 'utf8');
    expect(
      committed,
      'regenerate it: npx tsx runtime/cli/bin.ts graph examples/support --out docs/images/support.svg',
    ).toBe(toSvg(flowGraph(support)));
  });
});

/** The texts of the box of a state, in order. */
function textsOf(svg: string, state: string): string[] {
  const box = new RegExp(`<g class="[^"]*" data-state="${state}">(.*?)</g>`).exec(svg)?.[1] ?? '';
  return [...box.matchAll(/<text class="(?:name|about)"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

/** Each arrow as `kind from→to`. */
const arrowsOf = (svg: string) =>
  elements(svg, 'path', 'edge').map((e) => `${e.split(' ')[1]} ${dataOf(e, 'from')}→${dataOf(e, 'to')}`);

describe('toSvg: the judge and the human wait', () => {
  it('draws the judge as a box apart from the agents, with its criteria, and its verify and revise arrows', () => {
    const svg = toSvg(flowGraph(codeReview));
    expect(xmlProblems(svg)).toEqual([]);
    expect(elements(svg, 'g', 'node').map((e) => e.split('|')[0])).toEqual([
      'node agent',
      'node judge',
      'node ending done',
      'node ending escalated',
      'node ending failed',
      'node ending cancelled',
    ]);
    expect(textsOf(svg, 'verifying')).toEqual([
      'reviewer',
      'judge · scripted · 2 turns · 4,096 out/call',
      'judges: readable',
      'after checks: tests-pass, documented',
    ]);
    expect(svg).toMatch(/<g class="node judge" data-state="verifying"><title>reviewer: Judges a result/);
    expect(svg).toMatch(/data-state="verifying">.*<rect class="inner" /);
    expect(arrowsOf(svg).sort()).toEqual(
      [
        'start →coder',
        'finish coder→done',
        'verify coder→verifying',
        'finish verifying→done',
        'revise verifying→coder',
      ].sort(),
    );
    expect(svg).toContain('>revise · rounds ≤ 3</text>');
    expect(svg).toMatch(/<path class="edge verify to-verifying" [^>]*marker-end="url\(#baton-arrow-judge\)"/);
    expect(svg).toContain('<marker id="baton-arrow-judge" ');
    expect(svg).toContain('.baton .node.judge rect {');
    expect(svg).toContain('<title id="baton-title">Flow code-review: 1 agent, 0 routes, a judge</title>');
  });

  it('marks the judge in red when a highlighted run ended at it', () => {
    const svg = toSvg(flowGraph(codeReview), {
      highlight: { path: ['coder', 'escalated'], agent: 'reviewer' },
    });
    expect(elements(svg, 'g', 'culprit').map((e) => e.split('|')[0])).toEqual(['node judge visited culprit']);
    expect(elements(svg, 'g', 'visited').map((e) => dataOf(e, 'state'))).toEqual([
      'coder',
      'verifying',
      'escalated',
    ]);
  });

  it('draws the human wait with who waits there and why, and its wait and answer arrows', () => {
    const svg = toSvg(flowGraph(refunds), { exits: true });
    expect(xmlProblems(svg)).toEqual([]);
    expect(textsOf(svg, 'awaiting_human')).toEqual(['awaiting_human', 'approvals: refund', 'asks ≤ 8']);
    expect(svg).toMatch(
      /<g class="node human" data-state="awaiting_human"><title>awaiting_human: The run waits for a person to approve a call to refund.<\/title>/,
    );
    expect(arrowsOf(svg).sort()).toEqual(
      [
        'start →clerk',
        'finish clerk→done',
        'wait clerk→awaiting_human',
        'answer awaiting_human→clerk',
        'escalate clerk→escalated',
        'fail clerk→failed',
        'escalate awaiting_human→escalated',
      ].sort(),
    );
    for (const label of ['approve refund', 'answer', 'no answer']) expect(svg).toContain(`>${label}</text>`);
    expect(svg).toMatch(/<path class="edge answer to-clerk" [^>]*marker-end="url\(#baton-arrow-human\)"/);
    expect(svg).toContain('<title id="baton-title">Flow refunds: 1 agent, 0 routes, a human wait</title>');
    expect(svg).not.toContain('arrow-judge');
  });

  it('draws a flow with both: the judge hands a result with assumptions to a person, who confirms it', () => {
    const svg = toSvg(flowGraph(memo));
    expect(xmlProblems(svg)).toEqual([]);
    expect(textsOf(svg, 'awaiting_human')).toEqual([
      'awaiting_human',
      'questions: researcher',
      'confirms assumptions',
      'asks ≤ 8 · human wait ≤ 1 d',
    ]);
    const arrows = arrowsOf(svg);
    for (const arrow of [
      'wait verifying→awaiting_human',
      'wait writer→awaiting_human',
      'confirm awaiting_human→done',
      'answer awaiting_human→writer',
    ]) {
      expect(arrows).toContain(arrow);
    }
    expect(svg).toMatch(/<path class="edge confirm to-done" [^>]*marker-end="url\(#baton-arrow-finish\)"/);
  });

  it('adds no style or arrowhead of a judge or a wait to a flow without them', () => {
    const Note = Type.Object({ text: Type.String() });
    const model = scripted([]);
    const flow = defineFlow({
      id: 'plain',
      input: Note,
      output: Note,
      start: 'a',
      agents: [defineAgent({ name: 'a', description: 'a', input: Note, instructions: 'x', model })],
      finish: ['a'],
    });
    const svg = toSvg(flowGraph(flow), { exits: true });
    expect(svg).not.toMatch(/judge|human|arrow-judge|arrow-human/);
    expect(svg).toContain('<title id="baton-title">Flow plain: 1 agent, 0 routes</title>');
  });
});
