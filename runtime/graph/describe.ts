import type { FlowGraphAgent, FlowGraphJudge, FlowGraphWaiter, GraphLimits } from './flow-graph.js';

/** A whole number with thousands separated by commas, the same on every machine (no locale). */
export function groupDigits(value: number): string {
  const [whole = '0', fraction] = String(value).split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = sign === '' ? whole : whole.slice(1);
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** A duration in milliseconds, as people read it: `850 ms`, `1.5 s`, `2 min`, `3 h`, `7 d`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  if (ms < 3_600_000) return `${Number((ms / 60_000).toFixed(1))} min`;
  if (ms < 86_400_000) return `${Number((ms / 3_600_000).toFixed(1))} h`;
  return `${Number((ms / 86_400_000).toFixed(1))} d`;
}

/** An amount in US dollars: cents for amounts from a cent, more digits below. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  return usd >= 0.01 ? `$${usd.toFixed(2)}` : `$${usd.toPrecision(2)}`;
}

/** The flow's limits in one line: `handoffs ≤ 4 · visits ≤ 2 · tokens ≤ 20,000 · deadline 60 s`. */
export function limitsLine(limits: GraphLimits): string {
  const parts: string[] = [];
  for (const key of ['handoffs', 'visits', 'repairs', 'turns', 'tokens'] as const) {
    const value = limits[key];
    if (value !== undefined) parts.push(`${key} ≤ ${groupDigits(value)}`);
  }
  if (limits.usd !== undefined) parts.push(`cost ≤ ${formatUsd(limits.usd)}`);
  if (limits.ms !== undefined) parts.push(`deadline ${formatMs(limits.ms)}`);
  const shown = ['handoffs', 'visits', 'repairs', 'turns', 'tokens', 'usd', 'ms'];
  for (const [key, value] of Object.entries(limits) as [string, number | undefined][]) {
    if (shown.includes(key) || value === undefined) continue;
    // A limit Baton adds later is shown by its name; one in milliseconds as a duration.
    parts.push(
      /Ms$/.test(key) ? `${key.slice(0, -2)} wait ≤ ${formatMs(value)}` : `${key} ≤ ${groupDigits(value)}`,
    );
  }
  return parts.join(' · ');
}

/** A model and a budget as parts of a line: `openai:gpt-5-mini`, `2 turns`, `512 out/call`, `9,000 tokens`. */
function budgetParts(model: string | null, budget: FlowGraphAgent['budget']): string[] {
  const parts = model === null ? [] : [model];
  const { turns, tokens, maxOutputTokens } = budget;
  if (turns !== undefined) parts.push(`${groupDigits(turns)} turn${turns === 1 ? '' : 's'}`);
  if (maxOutputTokens !== undefined) parts.push(`${groupDigits(maxOutputTokens)} out/call`);
  if (tokens !== undefined) parts.push(`${groupDigits(tokens)} tokens`);
  return parts;
}

/**
 * An agent's model and budget in one line (`openai:gpt-5-mini · 2 turns · 512 out/call`), a code step's
 * kind, or an empty string when nothing is known of them.
 */
export function budgetLine(agent: FlowGraphAgent): string {
  if (agent.kind === 'step') return 'code step';
  return budgetParts(agent.model, agent.budget).join(' · ');
}

/**
 * What a diagram says of a judge below its name: its kind, model and budget for each round
 * (`judge · openai:gpt-5-mini · 2 turns`), the criteria it judges, and those checked in code before it.
 */
export function judgeLines(judge: FlowGraphJudge): string[] {
  return [
    ['judge', ...budgetParts(judge.model, judge.budget)].join(' · '),
    judge.criteria.length === 0 ? '' : `judges: ${judge.criteria.join(', ')}`,
    judge.checks.length === 0 ? '' : `after checks: ${judge.checks.join(', ')}`,
  ].filter((line) => line !== '');
}

/** Why a run can wait for a person, over all the agents that can make it: as a diagram lists it. */
export interface WaitCauses {
  /** The agents that may ask a question. */
  readonly askers: readonly string[];
  /** The tools whose calls may need approval. */
  readonly tools: readonly string[];
  /** The limits a person may extend, as a diagram names them (`turns`, `tokens`, `cost`). */
  readonly limits: readonly string[];
  /** Whether a person confirms results' critical assumptions there. */
  readonly assumptions: boolean;
}

/** How a diagram names a limit a person may extend. */
export function limitWord(limit: FlowGraphWaiter['limits'][number]): string {
  return limit === 'usd' ? 'cost' : limit;
}

/** Why a run can wait for a person, gathered from the agents that can make it, each name once. */
export function waitCauses(waiters: readonly FlowGraphWaiter[]): WaitCauses {
  const unique = (names: readonly string[]) => [...new Set(names)];
  return {
    askers: waiters.filter((w) => w.ask).map((w) => w.agent),
    tools: unique(waiters.flatMap((w) => w.approvals)),
    limits: unique(waiters.flatMap((w) => w.limits.map(limitWord))),
    assumptions: waiters.some((w) => w.assumptions),
  };
}

/**
 * What a diagram says of the human wait below its name, one line per cause: the agents that may ask a
 * question, the tools whose calls may need approval, the limits a person may extend, and whether results'
 * assumptions are confirmed there.
 */
export function waitLines(waiters: readonly FlowGraphWaiter[]): string[] {
  const { askers, tools, limits, assumptions } = waitCauses(waiters);
  return [
    askers.length === 0 ? '' : `questions: ${askers.join(', ')}`,
    tools.length === 0 ? '' : `approvals: ${tools.join(', ')}`,
    limits.length === 0 ? '' : `more: ${limits.join(', ')}`,
    assumptions ? 'confirms assumptions' : '',
  ].filter((line) => line !== '');
}

/** How many answers a run may take and how long a person has for each: `asks ≤ 8 · human wait ≤ 7 d`. */
export function answersLine(limits: GraphLimits): string {
  return limitsLine({
    ...(limits.asks === undefined ? {} : { asks: limits.asks }),
    ...(limits.humanMs === undefined ? {} : { humanMs: limits.humanMs }),
  });
}

/** An agent's own tools in one line, or an empty string when it has none. */
export function toolsLine(agent: FlowGraphAgent): string {
  return agent.tools.length === 0 ? '' : `tools: ${agent.tools.join(', ')}`;
}
