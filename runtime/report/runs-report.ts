import { redactSecrets } from '../../agents/providers/provider-support.js';
import { formatUsd, groupDigits } from '../graph/describe.js';
import { type BarRow, barChart } from './bar-chart.js';
import { esc, page } from './html.js';
import { MAST_CATEGORIES, mastCategory, mastName } from './mast.js';
import { type RunRecord, reasonOf, toRunRecord } from './run-record.js';

/** Options of `runsReport`. */
export interface RunsReportOptions {
  /** The page's heading (default: `Runs`). */
  readonly title?: string;
  /** Exact strings to redact, besides anything that looks like an API key or bearer token. */
  readonly redact?: readonly string[];
}

const STATUS_COLORS: Readonly<Record<string, string>> = {
  done: '#2f8f4e',
  escalated: '#d68a00',
  failed: '#c23b3b',
  cancelled: '#8a8f98',
  running: '#5b8def',
  awaiting_human: '#5b8def',
};

/** Counts by key, keeping the order keys first appear in. */
function tally<K>(keys: Iterable<K>): Map<K, number> {
  const counts = new Map<K, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

const byCount = <K>(counts: Map<K, number>) => [...counts].sort((a, b) => b[1] - a[1]);

/** How each run ended: its reason code, `done`, or its status when it has not ended. */
function endingOf(run: RunRecord): string {
  return reasonOf(run)?.code ?? run.status;
}

function endingsChart(runs: readonly RunRecord[]): string {
  const statuses = new Map<string, Map<string, number>>();
  for (const run of runs) {
    const ending = endingOf(run);
    const counts = statuses.get(ending) ?? new Map<string, number>();
    counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
    statuses.set(ending, counts);
  }
  const rows: BarRow[] = [...statuses]
    .map(([label, counts]) => ({
      label,
      segments: [...counts].map(([status, value]) => ({
        name: status,
        value,
        color: STATUS_COLORS[status] ?? '#888',
      })),
    }))
    .sort((a, b) => total(b) - total(a));
  return barChart({ title: 'Endings by reason', rows, format: (n) => `${n} run${n === 1 ? '' : 's'}` });
}

const total = (row: BarRow) => row.segments.reduce((sum, s) => sum + s.value, 0);

function mastCharts(runs: readonly RunRecord[]): string {
  const stopped = runs.map(reasonOf).filter((reason) => reason !== null);
  const categories = tally(
    stopped.flatMap((reason) => {
      const found = new Set(reason.mast.map((mode) => mastCategory(mode)?.code ?? null));
      return found.size === 0 ? ['none'] : [...found].map((code) => code ?? 'none');
    }),
  );
  const names: Record<string, string> = Object.fromEntries(
    MAST_CATEGORIES.map((c) => [c.code, `${c.code} ${c.name}`]),
  );
  const categoryRows: BarRow[] = [...MAST_CATEGORIES.map((c) => c.code as string), 'none']
    .filter((code) => categories.has(code))
    .map((code) => ({
      label: names[code] ?? 'outside MAST',
      segments: [
        { name: 'runs', value: categories.get(code)!, color: code === 'none' ? '#8a8f98' : '#7c3aed' },
      ],
    }));
  const modes = tally(stopped.flatMap((reason) => reason.mast));
  const modeRows: BarRow[] = byCount(modes).map(([mode, value]) => ({
    label: `${mode} ${mastName(mode)}`,
    segments: [{ name: 'runs', value, color: '#a78bfa' }],
  }));
  const runsOf = (n: number) => `${n} run${n === 1 ? '' : 's'}`;
  return [
    barChart({
      title: 'Endings by MAST category',
      rows: categoryRows,
      format: runsOf,
      note: 'Runs that did not end done. A reason tagged with modes of two categories counts in both.',
    }),
    barChart({ title: 'Endings by MAST failure mode', rows: modeRows, format: runsOf }),
  ].join('\n');
}

interface AgentUse {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

function agentCharts(runs: readonly RunRecord[]): string {
  const several = new Set(runs.map((run) => run.flow)).size > 1;
  const use = new Map<string, AgentUse>();
  for (const run of runs) {
    for (const event of run.events) {
      if (event.type !== 'model.replied') continue;
      const key = several ? `${run.flow} / ${event.agent}` : event.agent;
      const found = use.get(key) ?? { inputTokens: 0, outputTokens: 0, costUsd: 0 };
      found.inputTokens += event.usage.inputTokens;
      found.outputTokens += event.usage.outputTokens;
      found.costUsd += event.usage.costUsd;
      use.set(key, found);
    }
  }
  const agents = [...use].sort(
    (a, b) => b[1].inputTokens + b[1].outputTokens - (a[1].inputTokens + a[1].outputTokens),
  );
  return [
    barChart({
      title: 'Tokens per agent',
      rows: agents.map(([label, u]) => ({
        label,
        segments: [
          { name: 'input', value: u.inputTokens, color: '#3b6fd8' },
          { name: 'output', value: u.outputTokens, color: '#93b4f5' },
        ],
      })),
      format: (n) => groupDigits(n),
    }),
    barChart({
      title: 'Cost per agent',
      rows: agents.map(([label, u]) => ({
        label,
        segments: [{ name: 'cost', value: u.costUsd, color: '#2f8f4e' }],
      })),
      format: formatUsd,
      note: 'At the models’ prices; a model without a price costs $0.',
    }),
  ].join('\n');
}

function runsTable(runs: readonly RunRecord[]): string {
  const rows = runs.map((run) => {
    const reason = reasonOf(run);
    const steps = run.events.filter((e) => e.type === 'agent.entered').length;
    return `<tr data-run="${esc(run.runId)}" data-status="${esc(run.status)}"><td><code>${esc(run.runId)}</code></td><td>${esc(run.flow)}</td><td><span class="badge ${esc(run.status)}">${esc(run.status.replace('_', ' '))}</span></td>
<td>${reason ? `<code>${esc(reason.code)}</code>` : ''}</td><td>${esc(reason?.mast.join(', ') ?? '')}</td><td>${esc(reason?.agent ?? '')}</td>
<td class="num">${steps}</td><td class="num">${groupDigits(run.usage.inputTokens + run.usage.outputTokens)}</td><td class="num">${esc(formatUsd(run.usage.costUsd))}</td><td>${esc(run.path.join(' → '))}</td></tr>`;
  });
  return `<table class="runs"><thead><tr><th>run</th><th>flow</th><th>status</th><th>reason</th><th>MAST</th><th>agent</th><th class="num">steps</th><th class="num">tokens</th><th class="num">cost</th><th>path</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

/**
 * Writes the report of many runs (from a store, or a folder of traces) as one self-contained HTML page:
 * how they ended, by reason code and by MAST category and failure mode, tokens and cost per agent, as
 * inline SVG charts, and a table of the runs. Anything that looks like an API key, and each string of
 * `redact`, is replaced by `[REDACTED]`. Throws `invalid_argument` naming the first entry of `runs`
 * that is not a run's result.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { type AnyFlow, runFlow } from 'baton-flow';
 * import { runsReport } from 'baton-flow/report';
 *
 * declare const support: AnyFlow;
 * declare const tickets: { id: string; body: string }[];
 *
 * const results = [];
 * for (const ticket of tickets) results.push(await runFlow(support, ticket));
 * writeFileSync('runs.html', runsReport(results, { title: 'Support, nightly' }));
 * ```
 */
export function runsReport(runs: readonly RunRecord[], options: RunsReportOptions = {}): string {
  const checked = runs.map((run, i) => redactSecrets(toRunRecord(run, `runs[${i}]`), options.redact ?? []));
  const title = options.title ?? 'Runs';
  const statuses = byCount(tally(checked.map((run) => run.status)));
  const tokens = checked.reduce((sum, run) => sum + run.usage.inputTokens + run.usage.outputTokens, 0);
  const cost = checked.reduce((sum, run) => sum + run.usage.costUsd, 0);
  const flows = [...new Set(checked.map((run) => run.flow))];
  const body = `<header>
<h1>${esc(title)}</h1>
<p class="sub">${checked.length} run${checked.length === 1 ? '' : 's'} of ${flows.map((f) => `<b>${esc(f)}</b>`).join(', ') || 'no flow'}</p>
</header>
<div class="stats">${[
    ...statuses.map(
      ([status, n]) => `<div class="stat"><b>${n}</b><span>${esc(status.replace('_', ' '))}</span></div>`,
    ),
    `<div class="stat"><b>${groupDigits(tokens)}</b><span>tokens</span></div>`,
    `<div class="stat"><b>${esc(formatUsd(cost))}</b><span>cost</span></div>`,
  ].join('')}</div>
<h2>Endings</h2>
<div class="charts">${endingsChart(checked)}
${mastCharts(checked)}</div>
<h2>Agents</h2>
<div class="charts">${agentCharts(checked)}</div>
<h2>Runs</h2>
${runsTable(checked)}`;
  return page(`Baton: ${title}`, body);
}
