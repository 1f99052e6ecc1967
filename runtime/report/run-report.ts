import { redactSecrets } from '../../agents/providers/provider-support.js';
import { BatonError } from '../../contracts/errors.js';
import { REASONS } from '../../contracts/reasons.js';
import type { Reason } from '../../machines/context.js';
import type { AnyFlow } from '../../machines/define-flow.js';
import { formatMs, formatUsd, groupDigits } from '../graph/describe.js';
import { flowGraph } from '../graph/flow-graph.js';
import { toSvg } from '../graph/to-svg.js';
import { esc, page, prettyJson } from './html.js';
import { mastCategory, mastName } from './mast.js';
import { observedGraph } from './observed-graph.js';
import { type RunRecord, reasonOf, toRunRecord } from './run-record.js';
import { type Attempt, type RunStory, runStory, splitViolations } from './run-story.js';

/** Options of `runReport`. */
export interface RunReportOptions {
  /**
   * The flow the run ran, for a diagram with its contracts and budgets. Without it the diagram is drawn
   * from what the run's events show (the agents, their routes and finishes).
   */
  readonly flow?: AnyFlow | undefined;
  /** Exact strings to redact, besides anything that looks like an API key or bearer token. */
  readonly redact?: readonly string[];
}

/** Clock times from after 2000 are dates; smaller ones come from a test clock and are left as offsets. */
const EPOCH_2000 = 946_684_800_000;

function when(at: number | null): string {
  return at !== null && at > EPOCH_2000 ? new Date(at).toISOString() : '';
}

function mastLine(modes: readonly string[]): string {
  if (modes.length === 0) return '<span class="muted">none: outside the MAST taxonomy</span>';
  return modes
    .map((mode) => {
      const category = mastCategory(mode);
      const where = category ? ` <span class="muted">(${category.code} ${esc(category.name)})</span>` : '';
      return `<code>${esc(mode)}</code> ${esc(mastName(mode))}${where}`;
    })
    .join('<br>');
}

function violationList(lines: readonly string[]): string {
  if (lines.length === 0) return '';
  return `<ul class="violations">${lines.map((line) => `<li>${esc(line)}</li>`).join('')}</ul>`;
}

function endingSection(run: RunRecord, reason: Reason | null): string {
  if (run.status === 'done') {
    return `<section class="ending done" id="ending" data-status="done"><p><b>Done.</b> The result met the flow's output contract and its done predicate.</p></section>`;
  }
  if (!reason) {
    return `<section class="ending ${esc(run.status)}" id="ending" data-status="${esc(run.status)}"><p><b>Not ended.</b> The run is ${esc(run.status.replace('_', ' '))}: this report shows it as far as it was committed.</p></section>`;
  }
  const { summary, violations, tail } = splitViolations(reason.message);
  const info = REASONS[reason.code];
  const partial =
    'partial' in run && run.partial !== null && run.partial !== undefined
      ? `<details><summary>The last payload that passed its contract (partial)</summary><pre>${prettyJson(run.partial)}</pre></details>`
      : '';
  return `<section class="ending ${esc(run.status)}" id="ending" data-status="${esc(run.status)}" data-reason="${esc(reason.code)}" data-agent="${esc(reason.agent ?? '')}">
<p><b>${esc(run.status)}: <code>${esc(reason.code)}</code></b>${reason.agent === null ? ' before any agent ran' : ` at agent <b class="failing-agent">${esc(reason.agent)}</b>`}, step ${reason.step}.</p>
<p>${esc(summary)}</p>${violationList(violations)}${tail === '' ? '' : `<p class="sub">${esc(tail.charAt(0).toUpperCase() + tail.slice(1))}</p>`}
<dl>
<dt>Reason code</dt><dd><code>${esc(reason.code)}</code>: ${esc(info?.description ?? '')}</dd>
<dt>MAST failure mode</dt><dd class="mast">${mastLine(reason.mast)}</dd>
<dt>Agent</dt><dd>${reason.agent === null ? '<span class="muted">none</span>' : esc(reason.agent)}</dd>
<dt>State</dt><dd><code>${esc(reason.state)}</code></dd>
<dt>Step</dt><dd>${reason.step}</dd>
</dl>
${partial}
</section>`;
}

function stat(value: string, label: string): string {
  return `<div class="stat"><b>${esc(value)}</b><span>${esc(label)}</span></div>`;
}

function statsSection(run: RunRecord, story: RunStory): string {
  const { usage } = run;
  const elapsed =
    story.startedAt !== null && story.endedAt !== null ? formatMs(story.endedAt - story.startedAt) : '–';
  return `<div class="stats">${[
    stat(groupDigits(usage.inputTokens), 'input tokens'),
    stat(groupDigits(usage.outputTokens), 'output tokens'),
    stat(formatUsd(usage.costUsd), 'cost'),
    stat(groupDigits(usage.turns), 'model turns'),
    stat(groupDigits(usage.handoffs), 'handoffs'),
    stat(groupDigits(story.attempts.length), 'steps'),
    stat(elapsed, 'elapsed'),
  ].join('')}</div>`;
}

function outcomeText(attempt: Attempt): string {
  const outcome = attempt.outcome;
  if (!outcome) return '<span class="muted">no decision recorded</span>';
  switch (outcome.kind) {
    case 'handoff':
      return `handoff → <b>${esc(outcome.to)}</b>`;
    case 'repair':
      return `<span class="kind">repair</span> ${esc(splitViolations(outcome.message ?? '').summary)}`;
    case 'finish':
      return '<b>finish</b> → done';
    default:
      return `<b>${esc(outcome.to)}</b>${outcome.code ? `: <code>${esc(outcome.code)}</code>` : ''}`;
  }
}

function timelineSection(story: RunStory, culpritStep: number | null): string {
  if (story.attempts.length === 0) return '<p class="muted">No agent ran.</p>';
  const origin = story.startedAt ?? 0;
  const span = Math.max(1, (story.endedAt ?? origin) - origin);
  const rows = story.attempts.map((a) => {
    const end = a.endedAt ?? story.endedAt ?? a.startedAt;
    const left = ((a.startedAt - origin) / span) * 100;
    const width = Math.max(0.8, ((end - a.startedAt) / span) * 100);
    const tools = a.tools
      .map((t) => `${esc(t.tool)}${t.ok === false ? ' <span class="kind">rejected</span>' : ''}`)
      .join(', ');
    const culprit = a.step === culpritStep ? ' class="culprit"' : '';
    return `<tr${culprit} data-step="${a.step}" data-agent="${esc(a.agent)}">
<td class="num">${a.step}</td><td><b>${esc(a.agent)}</b></td><td class="num">${a.visit}${a.repair > 0 ? ` · repair ${a.repair}` : ''}</td>
<td class="num">+${esc(formatMs(a.startedAt - origin))}</td><td class="num">${esc(formatMs(end - a.startedAt))}</td>
<td><div class="bar"><i style="left:${left.toFixed(2)}%;width:${Math.min(width, 100 - left).toFixed(2)}%"></i></div></td>
<td class="num">${a.turns}</td><td class="num">${groupDigits(a.inputTokens)}</td><td class="num">${groupDigits(a.outputTokens)}</td><td class="num">${esc(formatUsd(a.costUsd))}</td>
<td>${tools}</td><td>${outcomeText(a)}</td></tr>`;
  });
  return `<table class="timeline"><thead><tr><th class="num">step</th><th>agent</th><th class="num">visit</th><th class="num">start</th><th class="num">duration</th><th>when</th><th class="num">turns</th><th class="num">tokens in</th><th class="num">tokens out</th><th class="num">cost</th><th>tools</th><th>decision</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

function handoffsSection(run: RunRecord, story: RunStory): string {
  const first = story.attempts[0]?.agent ?? (run.path[0] || 'start');
  const items = [
    `<details class="payload" data-step="0"><summary>Input → ${esc(first)} <span class="muted">(the flow's input)</span></summary><pre>${prettyJson(story.input)}</pre></details>`,
    ...story.handoffs.map(
      (h) =>
        `<details class="payload" data-step="${h.step}"><summary>Step ${h.step}: ${esc(h.from)} → ${esc(h.to)}</summary><pre>${prettyJson(h.payload)}</pre></details>`,
    ),
  ];
  if (run.status === 'done') {
    items.push(
      `<details class="payload" data-step="output" open><summary>Output <span class="muted">(the result that met the done contract)</span></summary><pre>${prettyJson(run.output)}</pre></details>`,
    );
  }
  return items.join('\n');
}

function rejectionsSection(story: RunStory): string {
  if (story.rejections.length === 0)
    return '<p class="muted">None: every decision was accepted as it came.</p>';
  return story.rejections
    .map(
      (r) =>
        `<div class="rejection" data-step="${r.step}" data-kind="${r.kind}"><h3>Step ${r.step} · ${esc(r.agent)} <span class="kind">${r.kind === 'repair' ? 'sent back for repair' : r.kind === 'tool' ? 'tool call rejected' : 'ended the run'}</span></h3><p>${esc(r.summary)}</p>${violationList(r.violations)}</div>`,
    )
    .join('\n');
}

/**
 * Writes the report of one run as a self-contained HTML page (inline styles and SVG, no script, nothing
 * fetched when it is viewed): how it ended, with the reason code, the MAST failure mode and the agent
 * and step where it happened; its usage; the flow's diagram with the path taken highlighted; a timeline
 * of its steps (agent, duration, tokens, cost, decision); each handoff payload; and every repair and
 * rejection with its violations. Anything that looks like an API key, and each string of `redact`, is
 * replaced by `[REDACTED]`. Throws `invalid_argument` when `run` is not a run's result, or when `flow`
 * is another flow than the one the run ran.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { type AnyFlow, runFlow } from 'baton-flow';
 * import { runReport } from 'baton-flow/report';
 *
 * declare const support: AnyFlow;
 *
 * const result = await runFlow(support, { id: 'T-1042', body: 'Charged twice.' });
 * writeFileSync('report.html', runReport(result, { flow: support }));
 * ```
 */
export function runReport(run: RunRecord, options: RunReportOptions = {}): string {
  const checked = redactSecrets(toRunRecord(run, 'The run given to runReport'), options.redact ?? []);
  const flow = options.flow;
  if (flow !== undefined && flow.id !== checked.flow) {
    throw new BatonError(
      'invalid_argument',
      `Run "${checked.runId}" is a run of flow "${checked.flow}", not of flow "${flow.id}". Pass the flow it ran, or none.`,
      { details: { runId: checked.runId, flow: checked.flow, given: flow.id } },
    );
  }
  const story = runStory(checked);
  const reason = reasonOf(checked);
  const graph = flow === undefined ? observedGraph(checked) : flowGraph(flow);
  const diagram = toSvg(graph, {
    highlight: { path: checked.path, agent: reason?.agent ?? null },
    idPrefix: 'run-diagram',
  });
  const culpritStep =
    reason && checked.status !== 'cancelled' && reason.agent !== null
      ? ((
          story.attempts.find((a) => a.step === reason.step) ??
          story.attempts.findLast((a) => a.agent === reason.agent)
        )?.step ?? null)
      : null;
  const started = when(story.startedAt);
  const body = `<header>
<h1>Run <code>${esc(checked.runId)}</code> <span class="badge ${esc(checked.status)}" id="status">${esc(checked.status.replace('_', ' '))}</span></h1>
<p class="sub">flow <b>${esc(checked.flow)}</b>${started === '' ? '' : ` · started ${esc(started)}`} · ${checked.events.length} events</p>
</header>
${endingSection(checked, reason)}
${statsSection(checked, story)}
<h2>Flow</h2>
<div class="diagram" id="diagram">${diagram}</div>
<p class="sub">Path taken: ${checked.path.map((state) => `<code>${esc(state)}</code>`).join(' → ') || '<span class="muted">none</span>'}${flow === undefined ? ` · ${esc(graph.description)}` : ''}</p>
<h2>Timeline</h2>
${timelineSection(story, culpritStep)}
<h2>Handoffs</h2>
${handoffsSection(checked, story)}
<h2>Repairs and rejections</h2>
${rejectionsSection(story)}
<h2>Events</h2>
<details><summary>All ${checked.events.length} events of the run, as recorded</summary><pre>${prettyJson(checked.events)}</pre></details>`;
  return page(`Baton run ${checked.runId} (${checked.flow}): ${checked.status}`, body);
}
