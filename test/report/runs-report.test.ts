import { isBatonError, type RunResult } from 'baton-flow';
import { runsReport } from 'baton-flow/report';
import { beforeAll, describe, expect, it } from 'vitest';
import { doneSupportRun, escalatedChainRun, failedSupportRun, LEAKED_KEY } from '../helpers/report-runs.js';
import { xmlProblems } from '../helpers/xml.js';

let runs: RunResult[];

beforeAll(async () => {
  runs = [
    await failedSupportRun(),
    await doneSupportRun(),
    await escalatedChainRun(),
    await failedSupportRun(),
  ];
});

/** The chart with this title, as its inline SVG. */
function chart(html: string, title: string): string {
  const svg = [...html.matchAll(/<svg [^>]*class="bar-chart">[\s\S]*?<\/svg>/g)]
    .map((m) => m[0])
    .find((s) => s.includes(`aria-label="${title}"`));
  if (!svg) throw new Error(`no chart "${title}"`);
  expect(xmlProblems(svg)).toEqual([]);
  return svg;
}

/** Each bar of a chart: its label and the total written after it. */
function bars(svg: string): Record<string, string> {
  return Object.fromEntries(
    [
      ...svg.matchAll(
        /<g class="bar-row" data-label="([^"]+)">[\s\S]*?<text [^>]*fill="#374151">([^<]*)<\/text><\/g>/g,
      ),
    ].map((m) => [m[1]!, m[2]!]),
  );
}

describe('runsReport', () => {
  it('counts the endings by reason code, done included', () => {
    expect(bars(chart(runsReport(runs), 'Endings by reason'))).toEqual({
      contract_violation: '2 runs',
      done: '1 run',
      turn_limit: '1 run',
    });
  });

  it('counts the runs that did not end done by MAST category and by failure mode', () => {
    const html = runsReport(runs);
    expect(bars(chart(html, 'Endings by MAST category'))).toEqual({
      'FC1 System design': '3 runs',
      'FC2 Inter-agent misalignment': '2 runs',
    });
    expect(bars(chart(html, 'Endings by MAST failure mode'))).toEqual({
      'FM-1.1 Disobey task specification': '2 runs',
      'FM-2.4 Information withholding': '2 runs',
      'FM-1.5 Unaware of termination conditions': '1 run',
    });
  });

  it('sums the tokens each agent used, by flow when the runs are of several', () => {
    const tokens = bars(chart(runsReport(runs), 'Tokens per agent'));
    const used = (flow: string, agent: string) =>
      runs
        .filter((run) => run.flow === flow)
        .flatMap((run) => run.events)
        .reduce(
          (sum, e) =>
            e.type === 'model.replied' && e.agent === agent
              ? sum + e.usage.inputTokens + e.usage.outputTokens
              : sum,
          0,
        );
    expect(Number(tokens['support / triage']?.replace(/,/g, ''))).toBe(used('support', 'triage'));
    expect(Number(tokens['support / billing']?.replace(/,/g, ''))).toBe(used('support', 'billing'));
    expect(Number(tokens['chain / b']?.replace(/,/g, ''))).toBe(used('chain', 'b'));
    expect(Object.keys(bars(chart(runsReport(runs), 'Cost per agent')))).toEqual(Object.keys(tokens));
  });

  it('lists every run, and shows no key a payload carried', () => {
    const html = runsReport(runs, { title: 'Nightly' });
    expect(html).toContain('<h1>Nightly</h1>');
    const listed = [...html.matchAll(/<tr data-run="([^"]+)" data-status="(\w+)">/g)].map((m) => m[2]);
    expect(listed).toEqual(['failed', 'done', 'escalated', 'failed']);
    expect(html).not.toContain(LEAKED_KEY);
    expect(html).not.toMatch(/<script\b/i);
  });

  it('names the entry that is not a run result', () => {
    try {
      runsReport([runs[0]!, { runId: 'x' } as unknown as RunResult]);
      expect.unreachable();
    } catch (error) {
      expect(isBatonError(error) && error.code).toBe('invalid_argument');
      expect((error as Error).message).toMatch(/^runs\[1\] is not a run's result: `flow` is missing/);
    }
  });
});
