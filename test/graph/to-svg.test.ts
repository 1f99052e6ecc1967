import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineAgent, defineFlow } from 'baton-flow';
import { flowGraph, toSvg } from 'baton-flow/report';
import { scripted } from 'baton-flow/testing';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { support } from '../../examples/support/flow.js';
import { xmlProblems } from '../helpers/xml.js';

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

  it('draws a box for every agent and final state, and an arrow for every route and finish', () => {
    const svg = toSvg(flowGraph(support));
    const states = elements(svg, 'g', 'node').map((e) => dataOf(e, 'state'));
    expect(states).toEqual(['triage', 'billing', 'tech', 'done', 'escalated', 'failed', 'cancelled']);
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
      ].sort(),
    );
    expect(svg).toContain('>{ticketId, customer, question, …}</text>');
    expect(svg).toContain('>tools: lookup_invoice</text>');
    expect(svg).toContain('>handoffs ≤ 4 · visits ≤ 2');
  });

  it('draws the exits of every agent when asked', () => {
    const svg = toSvg(flowGraph(support), { exits: true });
    const exits = elements(svg, 'path', 'edge').filter((e) => /\b(escalate|fail)\b/.test(e));
    expect(exits).toHaveLength(6);
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
