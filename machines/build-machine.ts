import { assign, setup } from 'xstate';
import type { AgentOutcome } from '../agents/decision.js';
import type { ToolSpec } from '../agents/model.js';
import { isBatonError } from '../contracts/errors.js';
import { fingerprint } from '../contracts/fingerprint.js';
import { formatViolations } from '../contracts/violations.js';
import { agentActor } from './agent-actor.js';
import { type Ending, type FlowContext, type FlowMachineInput, initialContext, reason } from './context.js';
import type { FlowSpec } from './flow-spec.js';
import { judge, type Verdict } from './judge.js';
import { agentMeta, type BatonTransitionMeta, type FlowMeta } from './parts/baton-meta.js';

/** The event that cancels a run: the kill switch. */
export interface CancelEvent {
  readonly type: 'baton.cancel';
  readonly reason?: string;
}

/** What an agent state receives when its visit ends: in tests, build it with `agentDone` from baton/testing. */
export interface AgentDoneEvent {
  readonly type: `xstate.done.actor.${string}`;
  readonly output: AgentOutcome;
  readonly actorId?: string;
}

/** What an agent state receives when its actor fails. */
export interface AgentErrorEvent {
  readonly type: `xstate.error.actor.${string}`;
  readonly error: unknown;
  readonly actorId?: string;
}

/** Every event a flow machine takes. */
export type FlowEvent = CancelEvent | AgentDoneEvent | AgentErrorEvent;

/** The names of the final states: every run ends in exactly one. */
export const FINAL_STATES = ['done', 'escalated', 'failed', 'cancelled'] as const;

/** State names a flow keeps for itself. */
export const RESERVED_STATES: readonly string[] = ['start', ...FINAL_STATES];

const outcomeOf = (event: unknown): AgentOutcome => (event as { output: AgentOutcome }).output;

/** Transition metadata that `check` and `flowPaths` read. */
const meta = (baton: BatonTransitionMeta) => ({ baton });

/**
 * Compiles a flow to an XState v5 machine: a transient `start` state that validates the input, one state
 * per agent invoking its actor, and the four final states. Guards, actions and actors are named in
 * `setup()`, so a test can swap an agent with `machine.provide({ actors: { name: fromPromise(...) } })`.
 */
export function buildMachine(spec: FlowSpec, tools: ReadonlyMap<string, readonly ToolSpec[]>) {
  const verdictOf = (context: FlowContext, event: unknown): Verdict => judge(spec, context, outcomeOf(event));
  const where = (context: FlowContext) => ({
    state: context.agent ?? 'start',
    agent: context.agent,
    step: context.step,
  });

  const actors = Object.fromEntries(
    [...spec.agents].map(([name, participant]) => [
      name,
      agentActor(spec, participant, tools.get(name) ?? []),
    ]),
  );

  return setup({
    types: {} as { context: FlowContext; input: FlowMachineInput; output: Ending; events: FlowEvent },
    actors,
    guards: {
      validInput: ({ context }) => spec.input.validate(context.input).ok,
      verdict: ({ context, event }, params: { kind: Verdict['kind'] }) =>
        verdictOf(context, event).kind === params.kind,
      handoffTo: ({ context, event }, params: { to: string }) => {
        const verdict = verdictOf(context, event);
        return verdict.kind === 'handoff' && verdict.to === params.to;
      },
    },
    actions: {
      enterStart: assign(({ context }) => ({
        agent: spec.start,
        payload: context.input,
        step: 1,
        visits: { [spec.start]: 1 },
        seen: [fingerprint(context.input, spec.start)],
        partial: context.input,
        path: [spec.start],
      })),
      invalidInput: assign(({ context }) => {
        const checked = spec.input.validate(context.input);
        const details = checked.ok ? '' : `:\n${formatViolations(checked.violations)}`;
        return {
          path: ['failed'],
          ending: {
            status: 'failed' as const,
            reason: reason(
              'invalid_input',
              `The input of flow "${spec.id}" does not fit its input schema${details}`,
              where(context),
            ),
          },
        };
      }),
      handoff: assign(({ context, event }) => {
        const verdict = verdictOf(context, event);
        if (verdict.kind !== 'handoff') return {};
        // `concat` allocates the exact length; a spread plus one element leaves room to grow, which every
        // run in flight would keep.
        return {
          usage: verdict.usage,
          handoffs: context.handoffs + 1,
          agent: verdict.to,
          payload: verdict.payload,
          step: context.step + 1,
          repairs: 0,
          resume: null,
          visits: countVisit(context.visits, verdict.to),
          seen: context.seen.concat(verdict.fingerprint),
          partial: verdict.payload,
          path: context.path.concat(verdict.to),
        };
      }),
      repair: assign(({ context, event }) => {
        const verdict = verdictOf(context, event);
        if (verdict.kind !== 'repair') return {};
        return {
          usage: verdict.usage,
          step: context.step + 1,
          repairs: context.repairs + 1,
          resume: { transcript: outcomeOf(event).transcript, feedback: verdict.feedback },
        };
      }),
      finish: assign(({ context, event }) => {
        const verdict = verdictOf(context, event);
        if (verdict.kind !== 'done') return {};
        return {
          usage: verdict.usage,
          resume: null,
          partial: verdict.output,
          path: context.path.concat('done'),
          ending: { status: 'done' as const, output: verdict.output },
        };
      }),
      conclude: assign(({ context, event }) => {
        const verdict = verdictOf(context, event);
        const status = verdict.kind === 'escalate' ? ('escalated' as const) : ('failed' as const);
        const why =
          verdict.kind === 'escalate' || verdict.kind === 'fail'
            ? verdict.reason
            : reason(
                'contract_violation',
                `Agent "${context.agent}" made a decision no transition accepts.`,
                where(context),
              );
        return {
          usage: verdict.usage,
          resume: null,
          path: context.path.concat(status),
          ending: { status, reason: why },
        };
      }),
      crash: assign(({ context, event }) => {
        const error = (event as { error?: unknown }).error;
        const message = error instanceof Error ? error.message : String(error);
        const details = isBatonError(error)
          ? { error: error.code, retryable: error.retryable }
          : { retryable: false };
        return {
          resume: null,
          path: context.path.concat('failed'),
          ending: {
            status: 'failed' as const,
            reason: reason(
              'provider_error',
              `Agent "${context.agent}" failed: ${message}`,
              where(context),
              details,
            ),
          },
        };
      }),
      cancel: assign(({ context, event }) => {
        const why = event.type === 'baton.cancel' && event.reason ? `: ${event.reason}` : '';
        return {
          resume: null,
          path: context.path.concat('cancelled'),
          ending: {
            status: 'cancelled' as const,
            reason: reason('cancelled', `The run was cancelled${why}.`, where(context)),
          },
        };
      }),
    },
  }).createMachine({
    id: spec.id,
    meta: {
      baton: {
        kind: 'flow',
        input: spec.input.schema,
        output: spec.output.schema,
        limits: spec.limits,
      } satisfies FlowMeta,
    },
    context: ({ input }) => initialContext(spec.id, spec.limits.ms, input),
    initial: 'start',
    on: {
      'baton.cancel': { target: '.cancelled', actions: 'cancel', meta: meta({ kind: 'cancel' }) },
    },
    states: {
      start: {
        always: [
          {
            guard: 'validInput',
            target: spec.start,
            actions: 'enterStart',
            meta: meta({ kind: 'start', to: spec.start }),
          },
          { target: 'failed', actions: 'invalidInput', meta: meta({ kind: 'fail' }) },
        ],
      },
      ...Object.fromEntries([...spec.agents.keys()].map((name) => [name, agentState(spec, name)])),
      done: { type: 'final' },
      escalated: { type: 'final' },
      failed: { type: 'final' },
      cancelled: { type: 'final' },
    },
    output: ({ context }) =>
      context.ending ?? {
        status: 'failed',
        reason: reason('contract_violation', 'The run ended without an ending.', where(context)),
      },
  });
}

function agentState(spec: FlowSpec, name: string) {
  const routes = spec.routes[name] ?? [];
  const kind = spec.agents.get(name)?.kind ?? 'agent';
  const participant = spec.agents.get(name);
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
    invoke: {
      id: name,
      src: name,
      input: ({ context }: { context: FlowContext }) => context,
      onDone: [
        {
          guard: { type: 'verdict' as const, params: { kind: 'escalate' as const } },
          target: 'escalated',
          actions: 'conclude' as const,
          meta: meta({ kind: 'escalate' }),
        },
        ...routes.map((to) => ({
          guard: { type: 'handoffTo' as const, params: { to } },
          target: to,
          reenter: true,
          actions: 'handoff' as const,
          meta: meta({
            kind: 'handoff',
            to,
            bounds: [
              { counter: 'handoffs', limit: limits.handoffs },
              { counter: `visits.${to}`, limit: limits.visits },
            ],
          }),
        })),
        ...(spec.finish.has(name)
          ? [
              {
                guard: { type: 'verdict' as const, params: { kind: 'done' as const } },
                target: 'done',
                actions: 'finish' as const,
                meta: meta({ kind: 'finish' }),
              },
            ]
          : []),
        {
          guard: { type: 'verdict' as const, params: { kind: 'repair' as const } },
          target: name,
          reenter: true,
          actions: 'repair' as const,
          meta: meta({ kind: 'repair', bounds: [{ counter: 'repairs', limit: limits.repairs }] }),
        },
        { target: 'failed', actions: 'conclude' as const, meta: meta({ kind: 'fail' }) },
      ],
      onError: { target: 'failed', actions: 'crash' as const, meta: meta({ kind: 'error' }) },
    },
  };
}

/** `visits` with one more visit of `agent`. */
function countVisit(visits: Readonly<Record<string, number>>, agent: string): Record<string, number> {
  const next: Record<string, number> = Object.assign({}, visits);
  next[agent] = (visits[agent] ?? 0) + 1;
  return next;
}

/** The XState machine a flow compiles to. */
export type FlowMachine = ReturnType<typeof buildMachine>;
