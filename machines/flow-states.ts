import type { AnyAgent } from '../agents/define-agent.js';
import { planOf } from './attempt-logic.js';
import type { FlowContext } from './context.js';
import { AWAITING_HUMAN, VERIFYING } from './flow-events.js';
import type { FlowSpec } from './flow-spec.js';
import { agentMeta, type BatonTransitionMeta } from './parts/baton-meta.js';
import type { TransitionKind } from './run-env.js';

/** Transition metadata that `check` and `flowPaths` read. */
export const meta = (baton: BatonTransitionMeta) => ({ baton });

/** The action that writes a transition of this kind to the run log. */
export const record = (kind: TransitionKind) => ({ type: 'record' as const, params: { kind } });

/**
 * The state of one agent: it invokes an attempt, assesses it into the context when it ends, then leaves by
 * the first eventless route whose guard matches the stored verdict.
 */
export function agentState(spec: FlowSpec, name: string) {
  const routes = spec.routes[name] ?? [];
  const participant = spec.agents.get(name);
  const kind = participant?.kind ?? 'agent';
  const { limits } = spec;
  return {
    meta: {
      baton: {
        ...(participant ? agentMeta(participant) : {}),
        kind,
        agent: name,
        routes,
        finish: spec.finish.has(name),
      },
    },
    invoke: assessedInvoke(spec, name),
    // Taken only once the current attempt is assessed (its verdict is for this step), in this order.
    always: [
      ...waitOrEscalate(canWait(spec, participant)),
      ...routes.map((to) => ({
        guard: { type: 'handoffTo' as const, params: { to } },
        target: to,
        reenter: true,
        actions: ['handoff' as const, record('handoff')],
        meta: meta({
          kind: 'handoff',
          to,
          bounds: [
            { counter: 'handoffs', limit: limits.handoffs },
            { counter: `visits.${to}`, limit: limits.visits },
          ],
        }),
      })),
      ...(spec.finish.has(name) ? [finishOnDone(), ...verifyExits(spec, name)] : []),
      {
        guard: { type: 'verdict' as const, params: { kind: 'repair' as const } },
        target: name,
        reenter: true,
        actions: ['repair' as const, record('repair')],
        meta: meta({ kind: 'repair', bounds: [{ counter: 'repairs', limit: limits.repairs }] }),
      },
      failOtherwise(),
    ],
  };
}

/**
 * The invocation of an agent or judge: its input is the run's plan; its verdict is assessed into context
 * (targetless: the routing after it, which reads only the verdict, moves on), and a throw fails the run.
 */
function assessedInvoke(spec: FlowSpec, id: string) {
  return {
    id,
    src: id,
    input: ({ context }: { context: FlowContext }) => planOf(spec, context),
    onDone: { actions: 'assess' as const, meta: meta({ kind: 'assess' }) },
    onError: {
      target: 'failed',
      actions: ['crash' as const, record('fail')],
      meta: meta({ kind: 'error' }),
    },
  };
}

/** The first routes of an assessed state: to the human wait (when the state can wait), then to escalation. */
function waitOrEscalate(canWait: boolean) {
  return [
    ...(canWait
      ? [
          {
            guard: { type: 'verdict' as const, params: { kind: 'wait' as const } },
            target: AWAITING_HUMAN,
            actions: [record('wait')],
            meta: meta({ kind: 'wait' }),
          },
        ]
      : []),
    {
      guard: { type: 'verdict' as const, params: { kind: 'escalate' as const } },
      target: 'escalated',
      actions: ['conclude' as const, record('escalate')],
      meta: meta({ kind: 'escalate' }),
    },
  ];
}

/** The route to `done` of a verdict that is done. */
function finishOnDone() {
  return {
    guard: { type: 'verdict' as const, params: { kind: 'done' as const } },
    target: 'done',
    actions: ['finish' as const, record('finish')],
    meta: meta({ kind: 'finish' }),
  };
}

/** The last route of an assessed state: any assessed verdict no route above took fails the run. */
function failOtherwise() {
  return {
    guard: 'assessed' as const,
    target: 'failed',
    actions: ['conclude' as const, record('fail')],
    meta: meta({ kind: 'fail' }),
  };
}
/** A finishing agent's ways into the verify stage: to the judge, and back to itself to revise. */
function verifyExits(spec: FlowSpec, name: string) {
  if (!spec.verify) return [];
  return [
    ...(spec.verify.judge
      ? [
          {
            guard: { type: 'verdict' as const, params: { kind: 'verify' as const } },
            target: VERIFYING,
            actions: ['startVerify' as const, record('verify')],
            meta: meta({ kind: 'verify' }),
          },
        ]
      : []),
    {
      guard: { type: 'reviseTo' as const, params: { to: name } },
      target: name,
      reenter: true,
      actions: ['revise' as const, record('revise')],
      meta: meta({ kind: 'revise', to: name, bounds: [{ counter: 'rounds', limit: spec.verify.rounds }] }),
    },
  ];
}

/**
 * The state the judge works in: it invokes the judge on the candidate result, then routes on the
 * verdict like an agent state: done, back to the worker to revise (bounded by `verify.rounds`), or an
 * ending.
 */
export function verifyingState(spec: FlowSpec, judge: string) {
  return {
    meta: { baton: { kind: 'verify', judge } },
    invoke: assessedInvoke(spec, judge),
    always: [
      // The judge's result waits for a person only when it rests on assumptions of an agent's result.
      ...waitOrEscalate(Boolean(spec.assumptions) && [...spec.finish].some((name) => canWaitOn(spec, name))),
      finishOnDone(),
      ...[...spec.finish].map((to) => ({
        guard: { type: 'reviseTo' as const, params: { to } },
        target: to,
        actions: ['revise' as const, record('revise')],
        meta: meta({ kind: 'revise', to, bounds: [{ counter: 'rounds', limit: spec.verify?.rounds ?? 0 }] }),
      })),
      failOtherwise(),
    ],
  };
}

/** Whether a participant can make the run wait for a person: it may ask, or a tool of its may need approval. */
function canWait(spec: FlowSpec, participant: AnyAgent | undefined): boolean {
  if (participant?.kind !== 'agent') return false;
  if (spec.assumptions && spec.finish.has(participant.name)) return true;
  return spec.waitOn.size > 0 || participant.ask || participant.tools.some((t) => t.approvals);
}

/** Whether the finisher `name` can have a result a person confirms: it is an agent (not a code step). */
function canWaitOn(spec: FlowSpec, name: string): boolean {
  return spec.agents.get(name)?.kind === 'agent';
}

/** The agents of a flow that can make it wait for a person; with any, the flow has an `awaiting_human` state. */
export function waiters(spec: FlowSpec): string[] {
  return [...spec.agents.values()].filter((agent) => canWait(spec, agent)).map((agent) => agent.name);
}

/**
 * The state a run waits in for a person. Its answer goes back to the agent that asked (a new attempt of
 * the same visit), bounded by `limits.asks`; `baton.human_timeout` ends it. Cancel and the deadline leave
 * it as they leave any state.
 */
export function awaitingState(spec: FlowSpec) {
  return {
    meta: { baton: { kind: 'human' } },
    on: {
      'baton.answer': [
        ...(spec.assumptions
          ? [
              {
                guard: 'confirmed' as const,
                target: 'done',
                actions: ['finishConfirmed' as const, record('finish')],
                meta: meta({ kind: 'finish' }),
              },
            ]
          : []),
        ...(spec.waitOn.size > 0
          ? [
              {
                guard: 'refused' as const,
                target: 'escalated',
                actions: ['refuseLimit' as const, record('escalate')],
                meta: meta({ kind: 'escalate' }),
              },
            ]
          : []),
        ...waiters(spec).map((agent) => ({
          guard: { type: 'answered' as const, params: { agent } },
          target: agent,
          actions: ['answer' as const, record('answer')],
          meta: meta({ kind: 'answer', to: agent, bounds: [{ counter: 'asks', limit: spec.limits.asks }] }),
        })),
      ],
      'baton.human_timeout': {
        target: 'escalated',
        actions: ['humanTimeout' as const, record('escalate')],
        meta: meta({ kind: 'human_timeout' }),
      },
    },
  };
}
