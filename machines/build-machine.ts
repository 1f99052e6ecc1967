import { assign, setup } from 'xstate';
import { type AgentOutcome, NO_USAGE, sumUsage } from '../agents/decision.js';
import type { AnyAgent } from '../agents/define-agent.js';
import type { ToolSpec } from '../agents/model.js';
import { shapeProblem } from '../contracts/depth.js';
import { describeThrown, isBatonError } from '../contracts/errors.js';
import { fingerprint } from '../contracts/fingerprint.js';
import { compiledValidator } from '../contracts/validator.js';
import { formatViolations } from '../contracts/violations.js';
import { assess, NO_GRANTS } from './assess.js';
import { agentActor, planOf } from './attempt-logic.js';
import { type Ending, type FlowContext, type FlowMachineInput, initialContext, reason } from './context.js';
import type { FlowSpec } from './flow-spec.js';
import { agentMeta, type BatonTransitionMeta, type FlowMeta } from './parts/baton-meta.js';
import { runEnvOf, type TransitionKind } from './run-env.js';
import type { VerdictKind } from './verdict.js';

/** The event that cancels a run: the kill switch. */
export interface CancelEvent {
  readonly type: 'baton.cancel';
  readonly reason?: string;
}

/** The event the run's one deadline timer sends when `limits.ms` has passed. */
export interface DeadlineEvent {
  readonly type: 'baton.deadline';
}

/** What an agent state receives when its attempt ends: in tests, build it with `agentDone` from baton/testing. */
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

/** A person's answer to the question a run waits on; `answerRun` validates it first and sends it. */
export interface AnswerEvent {
  readonly type: 'baton.answer';
  /** The id of the question it answers (`HumanWait.id`). */
  readonly question: string;
  readonly answer: unknown;
  /** The clock's time of the answer: the run's deadline moves on by the time it waited. */
  readonly at: number;
}

/** Sent when nobody answered a run's question within `limits.humanMs`. */
export interface HumanTimeoutEvent {
  readonly type: 'baton.human_timeout';
}

/** Every event a flow machine takes. */
export type FlowEvent =
  | CancelEvent
  | DeadlineEvent
  | AgentDoneEvent
  | AgentErrorEvent
  | AnswerEvent
  | HumanTimeoutEvent;

/** The state in which a flow's judge judges a finished result (`verify` with judged criteria). */
export const VERIFYING = 'verifying';

/**
 * The state a run waits in for a person's answer, and the status of a stored run there: not final, and
 * held by no process. Only a flow with an agent that may ask, or a tool that may need approval, has it.
 *
 * @example
 * ```ts
 * import { AWAITING_HUMAN, type MemoryStore } from 'baton-flow';
 *
 * declare const store: MemoryStore;
 * const waiting = await store.list({ status: AWAITING_HUMAN });
 * console.log(`${waiting.length} runs wait for a person`);
 * ```
 */
export const AWAITING_HUMAN = 'awaiting_human';

/**
 * The names of the final states: every run ends in exactly one, and `RunResult.status` is one of them.
 *
 * @example
 * ```ts
 * import { FINAL_STATES, type RunResult } from 'baton-flow';
 *
 * export function isEnded(status: string): status is RunResult['status'] {
 *   return (FINAL_STATES as readonly string[]).includes(status);
 * }
 * ```
 */
export const FINAL_STATES = ['done', 'escalated', 'failed', 'cancelled'] as const;

/** State names a flow keeps for itself. */
export const RESERVED_STATES: readonly string[] = ['start', AWAITING_HUMAN, VERIFYING, ...FINAL_STATES];

/** Transition metadata that `check` and `flowPaths` read. */
const meta = (baton: BatonTransitionMeta) => ({ baton });

/** The action that writes a transition of this kind to the run log. */
const record = (kind: TransitionKind) => ({ type: 'record' as const, params: { kind } });

const FINAL_OF: Record<string, TransitionKind> = {
  done: 'finish',
  escalated: 'escalate',
  failed: 'fail',
  cancelled: 'cancel',
};

/**
 * Compiles a flow to an XState v5 machine: a transient `start` state that validates the input, one
 * state per agent, and the four final states. An agent state invokes one attempt; when it ends, its
 * targetless `onDone` assesses the decision once and stores the verdict in the context, and the state's
 * eventless routing leaves by the first transition whose guard matches the stored verdict of this
 * attempt (escalate, a handoff, finish, repair, else fail). Guards only read the stored verdict. Guards, actions and actors are named in `setup()`, so a test can swap an agent
 * with `machine.provide({ actors: { name: fromPromise(...) } })`.
 */
export function buildMachine(spec: FlowSpec, tools: ReadonlyMap<string, readonly ToolSpec[]>) {
  const where = (context: FlowContext) => ({
    state: context.agent ?? 'start',
    agent: context.agent,
    step: context.step,
  });
  const end = (context: FlowContext, ending: Ending) => ({
    path: context.path.concat(ending.status),
    ending,
  });

  const judge = spec.verify?.judge ?? null;
  const actors = Object.fromEntries(
    [...spec.agents, ...(judge ? ([[judge.name, judge]] as const) : [])].map(([name, participant]) => [
      name,
      agentActor(spec, participant, tools.get(name) ?? []),
    ]),
  );

  return setup({
    types: {} as { context: FlowContext; input: FlowMachineInput; output: Ending; events: FlowEvent },
    actors,
    guards: {
      validInput: ({ context }) =>
        shapeProblem(context.input) === null &&
        spec.input.validate(context.input).ok &&
        startFacts(spec, context.input).ok,
      // The routing guards read the stored verdict, and only the current attempt's: a verdict whose step
      // is not the context's is the previous attempt's, which has been acted on already.
      assessed: ({ context }) => context.verdict?.step === context.step,
      verdict: ({ context }, params: { kind: VerdictKind }) => {
        const verdict = context.verdict;
        return verdict?.step === context.step && verdict.kind === params.kind;
      },
      // A person confirmed the critical assumptions of a result that met its contracts: it is done.
      confirmed: ({ context, event }) => {
        const verdict = context.verdict;
        return (
          event.type === 'baton.answer' &&
          verdict?.kind === 'wait' &&
          verdict.wait.kind === 'confirm' &&
          event.question === verdict.wait.id &&
          compiledValidator<unknown>(verdict.wait.answer, 'answer').validate(event.answer).ok &&
          (event.answer as { approved?: unknown }).approved === true
        );
      },
      // A valid refusal to extend a limit: the run ends.
      refused: ({ context, event }) => {
        const verdict = context.verdict;
        return (
          event.type === 'baton.answer' &&
          verdict?.kind === 'wait' &&
          verdict.wait.kind === 'limit' &&
          event.question === verdict.wait.id &&
          compiledValidator<unknown>(verdict.wait.answer, 'answer').validate(event.answer).ok &&
          (event.answer as { approved?: unknown }).approved === false
        );
      },
      // A valid answer to the question the run waits on, while the run may take another answer.
      answered: ({ context, event }, params: { agent: string }) => {
        const verdict = context.verdict;
        if (event.type !== 'baton.answer' || verdict?.kind !== 'wait') return false;
        const { wait } = verdict;
        return (
          wait.agent === params.agent &&
          event.question === wait.id &&
          (context.asks ?? 0) < spec.limits.asks &&
          compiledValidator<unknown>(wait.answer, 'answer').validate(event.answer).ok
        );
      },
      reviseTo: ({ context }, params: { to: string }) => {
        const verdict = context.verdict;
        return verdict?.step === context.step && verdict.kind === 'revise' && verdict.to === params.to;
      },
      handoffTo: ({ context }, params: { to: string }) => {
        const verdict = context.verdict;
        return verdict?.step === context.step && verdict.kind === 'handoff' && verdict.to === params.to;
      },
    },
    actions: {
      enterStart: assign(({ context }) => ({
        ...(spec.facts ? { facts: factsOf(startFacts(spec, context.input)) } : {}),
        agent: spec.start,
        payload: context.input,
        step: 1,
        visits: { [spec.start]: 1 },
        seen: [fingerprint(context.input, spec.start)],
        partial: context.input,
        path: [spec.start],
      })),
      invalidInput: assign(({ context }) => {
        const shape = shapeProblem(context.input);
        const checked = shape ? null : spec.input.validate(context.input);
        const facts = !shape && checked?.ok ? startFacts(spec, context.input) : null;
        if (facts && !facts.ok) {
          return end(context, {
            status: 'failed',
            reason: reason(
              'invalid_input',
              `The facts flow "${spec.id}" starts with do not fit its facts schema: ${facts.problem}`,
              where(context),
            ),
          });
        }
        const details = shape
          ? `: it is ${shape}`
          : checked && !checked.ok
            ? `:\n${formatViolations(checked.violations)}`
            : '';
        return end(context, {
          status: 'failed',
          reason: reason(
            'invalid_input',
            `The input of flow "${spec.id}" does not fit its input schema${details}`,
            where(context),
          ),
        });
      }),
      /** Assesses the attempt that just ended, once: the verdict and the usage go into the context. */
      assess: assign(({ context, event }) => {
        const outcome = (event as { output: AgentOutcome }).output;
        const usage = sumUsage(context.usage, outcome.usage);
        const spent = sumUsage(context.spent, outcome.usage);
        return {
          usage,
          spent,
          calibration: outcome.calibration ?? context.calibration,
          verdict: assess(spec, context, outcome, { usage, spent }),
          // What the attempt's tools wrote stands whatever the decision: their effects happened.
          ...(outcome.facts && context.facts ? { facts: { ...context.facts, ...outcome.facts } } : {}),
        };
      }),
      handoff: assign(({ context }) => {
        const verdict = context.verdict;
        if (verdict?.kind !== 'handoff') return {};
        // `concat` allocates the exact length; a spread plus one element leaves room to grow, which every
        // run in flight would keep.
        return {
          handoffs: context.handoffs + 1,
          agent: verdict.to,
          payload: verdict.payload,
          step: context.step + 1,
          repairs: 0,
          spent: NO_USAGE,
          calibration: null,
          visits: countVisit(context.visits, verdict.to),
          seen: context.seen.concat(verdict.fingerprint),
          partial: verdict.payload,
          path: context.path.concat(verdict.to),
        };
      }),
      repair: assign(({ context }) => ({ step: context.step + 1, repairs: context.repairs + 1 })),
      /** Hands a finished result to the judge: a new attempt, of the judge, on the result and its criteria. */
      startVerify: assign(({ context }) => {
        const verdict = context.verdict;
        if (verdict?.kind !== 'verify' || !spec.verify?.judge) return {};
        return {
          step: context.step + 1,
          candidate: verdict.candidate,
          // The judge's attempt has a budget of its own, not what is left of the worker's visit.
          spent: NO_USAGE,
          calibration: null,
          agent: spec.verify.judge.name,
          payload: {
            result: verdict.candidate.output,
            criteria: spec.verify.judged.map((c) => ({ id: c.id, description: c.description })),
          },
        };
      }),
      /** A failed round goes back to its worker, whose visit continues with the failed criteria. */
      revise: assign(({ context }) => {
        const verdict = context.verdict;
        if (verdict?.kind !== 'revise') return {};
        return {
          step: context.step + 1,
          rounds: (context.rounds ?? 0) + 1,
          best: verdict.best,
          agent: verdict.to,
          payload: verdict.payload,
          candidate: null,
          // Each round is a new budget for the worker, as a new visit is: the rounds bound how many.
          spent: NO_USAGE,
          calibration: null,
          repairs: 0,
        };
      }),
      /**
       * Takes a person's answer: the next attempt of the same visit continues with it. The run's deadline
       * moves on by the time the run waited.
       */
      answer: assign(({ context, event }) => {
        const verdict = context.verdict;
        if (verdict?.kind !== 'wait' || event.type !== 'baton.answer') return {};
        const waited = Math.max(0, event.at - verdict.wait.askedAt);
        return {
          step: context.step + 1,
          asks: (context.asks ?? 0) + 1,
          verdict: { ...verdict, answer: event.answer },
          deadline: context.deadline === null ? null : context.deadline + waited,
          // A limit extended: as much again of the flow's limit, and a fresh budget for the agent's visit.
          ...(verdict.wait.kind === 'limit'
            ? { grants: granted(spec, context.grants ?? NO_GRANTS, verdict.wait.code), spent: NO_USAGE }
            : {}),
          // Assumptions a person did not confirm go back to the worker that made them, from wherever it waited.
          ...(verdict.wait.kind === 'confirm'
            ? { agent: verdict.wait.agent, payload: verdict.wait.payload, candidate: null }
            : {}),
        };
      }),
      /** A person confirmed a result's critical assumptions: the run is done with it. */
      finishConfirmed: assign(({ context }) => {
        const verdict = context.verdict;
        if (verdict?.kind !== 'wait') return {};
        const output = verdict.wait.output;
        return {
          partial: output,
          path: context.path.concat('done'),
          ending: { status: 'done' as const, output },
        };
      }),
      /** A person refused to extend a limit: the run ends as it would have without the wait. */
      refuseLimit: assign(({ context, event }) => {
        const verdict = context.verdict;
        const wait = verdict?.kind === 'wait' ? verdict.wait : null;
        const why = event.type === 'baton.answer' ? (event.answer as { reason?: string }).reason : undefined;
        return end(context, {
          status: 'escalated',
          reason: reason(
            wait?.code ?? 'turn_limit',
            `${wait?.question.replace(/ Allow as much again\?$/, '') ?? 'A limit ran out.'} A person refused more${why ? `: ${why}` : '.'}`,
            where(context),
          ),
        });
      }),
      humanTimeout: assign(({ context }) => {
        const verdict = context.verdict;
        const wait = verdict?.kind === 'wait' ? verdict.wait : null;
        const asked = wait
          ? `the ${wait.kind === 'ask' ? 'question' : 'approval'} of agent "${wait.agent}"`
          : 'the question';
        return end(context, {
          status: 'escalated',
          reason: reason(
            'human_timeout',
            `Nobody answered ${asked} within limits.humanMs (${spec.limits.humanMs} ms).`,
            where(context),
            wait ? { question: wait.question, askedAt: wait.askedAt, expiresAt: wait.expiresAt } : undefined,
          ),
        });
      }),
      finish: assign(({ context }) => {
        const verdict = context.verdict;
        if (verdict?.kind !== 'done') return {};
        const ending = { status: 'done' as const, output: verdict.output };
        return { partial: verdict.output, path: context.path.concat('done'), ending };
      }),
      conclude: assign(({ context }) => {
        const verdict = context.verdict;
        const status = verdict?.kind === 'escalate' ? 'escalated' : 'failed';
        const why =
          verdict?.kind === 'escalate' || verdict?.kind === 'fail'
            ? verdict.reason
            : reason(
                'contract_violation',
                `Agent "${context.agent}" made a decision no transition accepts.`,
                where(context),
              );
        const ended = end(context, { status, reason: why });
        // The verify stage hands over its best round rather than the last payload.
        return verdict && 'keep' in verdict && verdict.keep !== undefined
          ? { ...ended, partial: verdict.keep }
          : ended;
      }),
      crash: assign(({ context, event }) => {
        const error = (event as { error?: unknown }).error;
        const message = describeThrown(error);
        const details = isBatonError(error)
          ? { error: error.code, retryable: error.retryable }
          : { retryable: false };
        // A code step has no provider: its actor failing is its own failure.
        const step = context.agent !== null && spec.agents.get(context.agent)?.kind === 'step';
        return end(context, {
          status: 'failed',
          reason: reason(
            step ? 'step_failed' : 'provider_error',
            `${step ? 'Code step' : 'Agent'} "${context.agent}" failed: ${message}`,
            where(context),
            details,
          ),
        });
      }),
      cancel: assign(({ context, event }) => {
        const why = event.type === 'baton.cancel' && event.reason ? `: ${event.reason}` : '';
        return end(context, {
          status: 'cancelled',
          reason: reason('cancelled', `The run was cancelled${why}.`, where(context)),
        });
      }),
      expire: assign(({ context }) => {
        const at =
          context.agent === null ? '' : ` while agent "${context.agent}" was working (step ${context.step})`;
        return end(context, {
          status: 'escalated',
          reason: reason(
            'deadline',
            `The run's deadline of ${spec.limits.ms} ms passed${at}.`,
            where(context),
          ),
        });
      }),
      /** Records the transition just taken, from the verdict or the ending it set. */
      record: ({ context, system }, params: { kind: TransitionKind }) => {
        const events = runEnvOf(system).events;
        if (!events) return;
        const { kind } = params;
        const verdict = context.verdict;
        if (kind === 'handoff' && verdict?.kind === 'handoff') {
          events.record({
            type: 'transition',
            step: verdict.step,
            from: verdict.agent,
            to: verdict.to,
            kind,
            payload: verdict.payload,
          });
          return;
        }
        if ((kind === 'wait' || kind === 'answer') && verdict?.kind === 'wait') {
          const { step, agent, wait } = verdict;
          events.record(
            kind === 'wait'
              ? {
                  type: 'transition',
                  step,
                  from: agent,
                  to: AWAITING_HUMAN,
                  kind,
                  question: wait.id,
                  message: wait.question,
                }
              : {
                  type: 'transition',
                  step: context.step,
                  from: AWAITING_HUMAN,
                  to: agent,
                  kind,
                  question: wait.id,
                  message: `Answered ${wait.id}.`,
                  answer: verdict.answer,
                },
          );
          return;
        }
        if (kind === 'verify' && verdict?.kind === 'verify') {
          events.record({ type: 'transition', step: verdict.step, from: verdict.agent, to: VERIFYING, kind });
          return;
        }
        if (kind === 'revise' && verdict?.kind === 'revise') {
          events.record({
            type: 'transition',
            step: verdict.step,
            from: verdict.agent,
            to: verdict.to,
            kind,
            code: 'verification_failed',
            message: verdict.feedback.message,
          });
          return;
        }
        if (kind === 'repair' && verdict?.kind === 'repair') {
          const { step, agent, feedback, code } = verdict;
          events.record({
            type: 'transition',
            step,
            from: agent,
            to: agent,
            kind,
            code,
            message: feedback.message,
          });
          return;
        }
        const ending = context.ending;
        if (!ending) return;
        if (ending.status === 'done') {
          events.record({
            type: 'transition',
            step: verdict?.step ?? context.step,
            from: verdict?.agent ?? 'start',
            to: 'done',
            kind: 'finish',
          });
          return;
        }
        const { reason: why } = ending;
        events.record({
          type: 'transition',
          step: why.step,
          from: why.agent ?? 'start',
          to: ending.status,
          kind: FINAL_OF[ending.status] ?? kind,
          code: why.code,
          message: why.message,
        });
      },
    },
  }).createMachine({
    id: spec.id,
    meta: {
      baton: {
        kind: 'flow',
        input: spec.input.schema,
        output: spec.output.schema,
        limits: spec.limits,
        ...(spec.verify ? { rounds: spec.verify.rounds } : {}),
      } satisfies FlowMeta,
    },
    context: ({ input }) => initialContext(spec.id, spec.limits.ms, input),
    initial: 'start',
    on: {
      'baton.cancel': {
        target: '.cancelled',
        actions: ['cancel', { type: 'record', params: { kind: 'cancel' } }],
        meta: meta({ kind: 'cancel' }),
      },
      // The run's one deadline timer sends this; a flow without `limits.ms` has no such transition.
      ...(Number.isFinite(spec.limits.ms)
        ? {
            'baton.deadline': {
              target: '.escalated',
              actions: ['expire', { type: 'record', params: { kind: 'escalate' } }],
              meta: meta({ kind: 'deadline' }),
            },
          }
        : {}),
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
          {
            target: 'failed',
            actions: ['invalidInput', { type: 'record', params: { kind: 'fail' } }],
            meta: meta({ kind: 'fail' }),
          },
        ],
      },
      ...Object.fromEntries([...spec.agents.keys()].map((name) => [name, agentState(spec, name)])),
      ...(waiters(spec).length > 0 ? { [AWAITING_HUMAN]: awaitingState(spec) } : {}),
      ...(judge ? { [VERIFYING]: verifyingState(spec, judge.name) } : {}),
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

/**
 * The facts a run starts with, from its valid input: `ok` with them, or the problem in words (the initial
 * function threw, or what it gave does not fit the facts schema).
 */
function startFacts(
  spec: FlowSpec,
  input: unknown,
):
  | { readonly ok: true; readonly facts: Record<string, unknown> | null }
  | { readonly ok: false; readonly problem: string } {
  if (!spec.facts) return { ok: true, facts: null };
  let facts: unknown;
  try {
    facts = spec.facts.initial(input);
  } catch (error) {
    return {
      ok: false,
      problem: `the initial function threw: ${describeThrown(error)}`,
    };
  }
  const shape = shapeProblem(facts);
  if (shape) return { ok: false, problem: `they are ${shape}` };
  const checked = spec.facts.validator.validate(facts);
  if (!checked.ok) return { ok: false, problem: `\n${formatViolations(checked.violations)}` };
  return { ok: true, facts: facts as Record<string, unknown> };
}

function factsOf(started: ReturnType<typeof startFacts>): Record<string, unknown> | null {
  return started.ok ? started.facts : null;
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
function verifyingState(spec: FlowSpec, judge: string) {
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

/** The grants after a person extended the limit `code` stands for: as much again as the flow's limit. */
function granted(
  spec: FlowSpec,
  grants: { turns: number; tokens: number; usd: number },
  code: string | undefined,
) {
  const { limits } = spec;
  if (code === 'token_budget') return { ...grants, tokens: grants.tokens + limits.tokens };
  if (code === 'cost_budget') return { ...grants, usd: grants.usd + limits.usd };
  return { ...grants, turns: grants.turns + limits.turns };
}

/**
 * The state a run waits in for a person. Its answer goes back to the agent that asked (a new attempt of
 * the same visit), bounded by `limits.asks`; `baton.human_timeout` ends it. Cancel and the deadline leave
 * it as they leave any state.
 */
function awaitingState(spec: FlowSpec) {
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

/** `visits` with one more visit of `agent`. */
function countVisit(visits: Readonly<Record<string, number>>, agent: string): Record<string, number> {
  const next: Record<string, number> = Object.assign({}, visits);
  next[agent] = (visits[agent] ?? 0) + 1;
  return next;
}

/** The XState machine a flow compiles to. */
export type FlowMachine = ReturnType<typeof buildMachine>;
