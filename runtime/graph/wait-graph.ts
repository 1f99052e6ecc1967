import type { AnyAgent } from '../../agents/define-agent.js';
import type { AnyFlow } from '../../machines/define-flow.js';
import { AWAITING_HUMAN, VERIFYING } from '../../machines/flow-events.js';
import { waiters } from '../../machines/flow-states.js';
import { formatMs, limitWord, waitCauses } from './describe.js';
import type { FlowGraphEdge, FlowGraphHumanWait, FlowGraphWaiter } from './flow-graph.js';

/** The human wait of a flow's diagram: its node, the arrows in and out of it, and its exit. */
export interface WaitGraph {
  readonly node: FlowGraphHumanWait;
  /** `wait` from every state that can go there, `answer` back to each agent, `confirm` to `done`. */
  readonly edges: readonly FlowGraphEdge[];
  /** Its exit to `escalated`: a person refused more of a limit, or nobody answered in time. */
  readonly exit: FlowGraphEdge;
}

/** The limits a person may be asked to extend, in the order a diagram lists them. */
const LIMITS = ['turns', 'tokens', 'usd'] as const;

/** Words joined as a person lists them: `a`, `a or b`, `a, b or c`. */
function either(words: readonly string[]): string {
  if (words.length < 2) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** Why an agent can make the run wait: the causes for which `buildMachine` routes it to `awaiting_human`. */
function waiterOf(flow: AnyFlow, agent: AnyAgent): FlowGraphWaiter {
  const model = agent.kind === 'agent';
  const { waitOn, assumptions, finish } = flow.spec;
  return {
    agent: agent.name,
    ask: model && agent.ask,
    approvals: model ? agent.tools.filter((tool) => tool.approvals).map((tool) => tool.name) : [],
    limits: model ? LIMITS.filter((limit) => waitOn.has(limit)) : [],
    assumptions: model && assumptions !== null && finish.has(agent.name),
  };
}

/** What a `wait` arrow of an agent says: why it can wait (`ask · approve refund · more tokens`). */
function waitLabel(waiter: FlowGraphWaiter): string {
  const why: string[] = [];
  if (waiter.ask) why.push('ask');
  if (waiter.approvals.length > 0) why.push(`approve ${waiter.approvals.join(', ')}`);
  if (waiter.limits.length > 0) why.push(`more ${waiter.limits.map(limitWord).join(', ')}`);
  if (waiter.assumptions) why.push('confirm assumptions');
  return why.join(' · ');
}

/** What a person does in the human wait, in one sentence. */
function waitDescription(waiters: readonly FlowGraphWaiter[]): string {
  const { askers, tools, limits, assumptions } = waitCauses(waiters);
  const does = [
    askers.length === 0 ? '' : `answer a question from ${either(askers)}`,
    tools.length === 0 ? '' : `approve a call to ${either(tools)}`,
    limits.length === 0 ? '' : `allow more ${either(limits)} than the flow's limits`,
    assumptions ? "confirm a result's critical assumptions" : '',
  ].filter((part) => part !== '');
  // Two causes read `a or b`, more `a, b, or c`: the last comma keeps a cause's own `or` apart.
  const last = does.pop() ?? '';
  const listed = does.length === 0 ? last : `${does.join(', ')}${does.length > 1 ? ',' : ''} or ${last}`;
  return `The run waits for a person to ${listed}.`;
}

/**
 * The human wait of a flow, read from its definition as `buildMachine` compiles it, or null when no agent
 * can make the flow wait (it has no `awaiting_human` state). A `wait` arrow goes there from each agent that
 * can wait, and from the judge when the flow has `assumptions`; an `answer` goes back to each agent; a
 * `confirm` goes to `done` when the flow has `assumptions`; its exit is labelled with when it is taken.
 */
export function waitGraph(flow: AnyFlow): WaitGraph | null {
  const { spec } = flow;
  const waiting = waiters(spec).flatMap((name) => {
    const agent = flow.agents.get(name);
    return agent ? [waiterOf(flow, agent)] : [];
  });
  if (waiting.length === 0) return null;
  const edges: FlowGraphEdge[] = waiting.map((waiter) => ({
    kind: 'wait',
    from: waiter.agent,
    to: AWAITING_HUMAN,
    label: waitLabel(waiter),
  }));
  if (spec.verify?.judge && spec.assumptions !== null) {
    edges.push({ kind: 'wait', from: VERIFYING, to: AWAITING_HUMAN, label: 'confirm assumptions' });
  }
  for (const waiter of waiting) {
    edges.push({ kind: 'answer', from: AWAITING_HUMAN, to: waiter.agent, label: 'answer' });
  }
  if (spec.assumptions !== null) {
    edges.push({ kind: 'confirm', from: AWAITING_HUMAN, to: 'done', label: 'confirmed' });
  }
  const humanMs = spec.limits.humanMs;
  const timeout = Number.isFinite(humanMs) ? `no answer in ${formatMs(humanMs)}` : 'no answer';
  return {
    node: {
      kind: 'human',
      id: AWAITING_HUMAN,
      description: waitDescription(waiting),
      waiters: waiting,
      assumptions: spec.assumptions,
    },
    edges,
    exit: {
      kind: 'escalate',
      from: AWAITING_HUMAN,
      to: 'escalated',
      label: spec.waitOn.size > 0 ? `refused, or ${timeout}` : timeout,
    },
  };
}
