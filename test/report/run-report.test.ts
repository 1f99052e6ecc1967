import { isBatonError, type RunResult } from 'baton-flow';
import { runReport } from 'baton-flow/report';
import { beforeAll, describe, expect, it } from 'vitest';
import { support } from '../../examples/support/flow.js';
import { chainFlow } from '../helpers/flows.js';
import { doneSupportRun, escalatedChainRun, failedSupportRun, LEAKED_KEY } from '../helpers/report-runs.js';
import { xmlProblems } from '../helpers/xml.js';

let failed: RunResult;
let done: RunResult;

beforeAll(async () => {
  failed = await failedSupportRun();
  done = await doneSupportRun();
});

/** The inline SVG of a report's diagram. */
function diagramOf(html: string): string {
  const svg = /<div class="diagram" id="diagram">(<svg[\s\S]*?<\/svg>)/.exec(html)?.[1];
  if (!svg) throw new Error('the report has no diagram');
  return svg;
}

describe('runReport of a failed run', () => {
  it('is one page that loads nothing and runs nothing', () => {
    const html = runReport(failed, { flow: support });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script\b/i);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/\b(src|href)=/i);
    expect(html).toContain(`content="default-src 'none';`);
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<)]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
  });

  it('says how it ended: status, reason code, MAST failure mode, the failing agent and step', () => {
    expect(failed).toMatchObject({
      status: 'failed',
      reason: { code: 'contract_violation', agent: 'billing' },
    });
    const html = runReport(failed, { flow: support });
    const ending =
      /<section class="ending failed" id="ending"[^>]*>[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    expect(ending).toContain('data-reason="contract_violation"');
    expect(ending).toContain('data-agent="billing"');
    expect(ending).toContain('<b class="failing-agent">billing</b>');
    expect(ending).toContain('<code>FM-1.1</code> Disobey task specification');
    expect(ending).toContain('<code>FM-2.4</code> Information withholding');
    expect(ending).toContain('FC2 Inter-agent misalignment');
    expect(ending).toContain(`step ${(failed as { reason: { step: number } }).reason.step}.`);
  });

  it('highlights the path taken in the diagram, ending at the failing agent', () => {
    const svg = diagramOf(runReport(failed, { flow: support }));
    expect(xmlProblems(svg)).toEqual([]);
    const taken = [
      ...svg.matchAll(/<path class="[^"]*\btaken\b[^"]*" data-from="([^"]*)" data-to="([^"]*)"/g),
    ].map((m) => `${m[1]}→${m[2]}`);
    expect(taken.sort()).toEqual(['→triage', 'billing→failed', 'triage→billing'].sort());
    expect(svg).toMatch(/<g class="node agent visited culprit" data-state="billing">/);
    expect(svg).toMatch(/<g class="node agent" data-state="tech">/);
    expect(svg).toContain('>{ticketId, customer, question, …}</text>');
  });

  it('lists every step with its agent, tokens and decision', () => {
    const html = runReport(failed, { flow: support });
    const rows = [...html.matchAll(/<tr(?: class="culprit")? data-step="(\d+)" data-agent="([^"]+)">/g)].map(
      (m) => `${m[1]}:${m[2]}`,
    );
    expect(rows).toEqual(['1:triage', '2:billing', '3:billing', '4:billing']);
    expect(html).toMatch(/<tr class="culprit" data-step="4" data-agent="billing">/);
    expect(html).toMatch(/<td class="num">320<\/td><td class="num">45<\/td>/);
    expect(html).toContain('handoff → <b>billing</b>');
  });

  it('shows each handoff payload as escaped pretty JSON, with keys redacted', () => {
    const html = runReport(failed, { flow: support });
    expect(html).toContain('<summary>Step 1: triage → billing</summary>');
    expect(html).toContain('&quot;ticketId&quot;: &quot;T-1042&quot;');
    expect(html).toContain('Refund &lt;script&gt;alert(\\&quot;pwned\\&quot;)&lt;/script&gt; &amp; more');
    expect(html).not.toContain(LEAKED_KEY);
    expect(html).toContain('[REDACTED]');
  });

  it('redacts the strings it is told to', () => {
    const html = runReport(failed, { flow: support, redact: ['INV-7731'] });
    expect(html).not.toContain('INV-7731');
  });

  it('lists the repairs and the rejection that ended it, with their violations', () => {
    const html = runReport(failed, { flow: support });
    const rejections = [...html.matchAll(/<div class="rejection" data-step="(\d+)" data-kind="(\w+)">/g)].map(
      (m) => `${m[1]}:${m[2]}`,
    );
    expect(rejections).toEqual(['2:repair', '3:repair', '4:ending']);
    expect(html).toContain('The handoff to &quot;tech&quot; does not fit its input schema:');
    expect(html).toContain('<li>/problem: must be string</li>');
    expect(html).toContain('<li>/customer: is required but missing</li>');
  });
});

describe('runReport', () => {
  it('shows the output of a run that is done', () => {
    const html = runReport(done, { flow: support });
    expect(html).toContain('<section class="ending done" id="ending" data-status="done">');
    expect(html).toContain('Output <span class="muted">(the result that met the done contract)</span>');
    expect(html).toContain('&quot;team&quot;: &quot;billing&quot;');
    expect(html).toMatch(/<td>lookup_invoice<\/td>/);
  });

  it('draws the flow from the run alone when no flow is given', async () => {
    const run = await escalatedChainRun();
    expect(run).toMatchObject({ status: 'escalated', reason: { code: 'turn_limit' } });
    const svg = diagramOf(runReport(run));
    expect(xmlProblems(svg)).toEqual([]);
    const states = [...svg.matchAll(/data-state="([^"]+)"/g)].map((m) => m[1]);
    expect(states).toEqual(['a', 'b', 'c', 'done', 'escalated', 'failed', 'cancelled']);
    expect(svg).toMatch(/class="edge escalate to-escalated taken|class="edge fail to-escalated taken/);
  });

  it('shows a stored run that has not ended as far as it went', () => {
    const { runId, flow, usage, events } = failed;
    const html = runReport({
      runId,
      flow,
      usage,
      events: events.slice(0, 6),
      path: ['triage'],
      status: 'running',
    });
    expect(html).toContain('<section class="ending running" id="ending" data-status="running">');
    expect(html).toContain('The run is running: this report shows it as far as it was committed.');
    expect(html).toMatch(/<g class="node agent visited" data-state="triage">/);
  });

  it('reads a trace: the RunResult as JSON', () => {
    const trace = JSON.parse(JSON.stringify(failed)) as RunResult;
    expect(runReport(trace, { flow: support })).toBe(runReport(failed, { flow: support }));
  });

  it('refuses what is not a run result, saying what is wrong', () => {
    const cases: [unknown, RegExp][] = [
      [[], /not a run's result: it is an array/],
      [{ ...failed, status: 'lost' }, /`status` must be one of/],
      [{ ...failed, events: 'none' }, /`events` is not a list/],
      [{ ...failed, reason: { code: 'oops', message: 'x' } }, /`reason.code` "oops" is not a reason code/],
    ];
    for (const [value, message] of cases) {
      try {
        runReport(value as RunResult);
        expect.unreachable();
      } catch (error) {
        expect(isBatonError(error) && error.code).toBe('invalid_argument');
        expect((error as Error).message).toMatch(message);
        expect((error as Error).message).toMatch(/Pass the JSON of a RunResult/);
      }
    }
  });

  it('refuses a flow other than the one the run ran', () => {
    expect(() => runReport(failed, { flow: chainFlow() })).toThrow(
      /a run of flow "support", not of flow "chain"/,
    );
  });
});
