import type { FlowGraphAgent, GraphLimits } from './flow-graph.js';

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

/**
 * An agent's model and budget in one line (`openai:gpt-5-mini · 2 turns · 512 out/call`), a code step's
 * kind, or an empty string when nothing is known of them.
 */
export function budgetLine(agent: FlowGraphAgent): string {
  if (agent.kind === 'step') return 'code step';
  const parts = agent.model === null ? [] : [agent.model];
  const { turns, tokens, maxOutputTokens } = agent.budget;
  if (turns !== undefined) parts.push(`${groupDigits(turns)} turn${turns === 1 ? '' : 's'}`);
  if (maxOutputTokens !== undefined) parts.push(`${groupDigits(maxOutputTokens)} out/call`);
  if (tokens !== undefined) parts.push(`${groupDigits(tokens)} tokens`);
  return parts.join(' · ');
}

/** An agent's own tools in one line, or an empty string when it has none. */
export function toolsLine(agent: FlowGraphAgent): string {
  return agent.tools.length === 0 ? '' : `tools: ${agent.tools.join(', ')}`;
}
