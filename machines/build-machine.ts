import { assign, setup } from 'xstate';
import type { ToolSpec } from '../agents/model.js';
import { shapeProblem } from '../contracts/depth.js';
import { compiledValidator } from '../contracts/validator.js';
import { agentActor } from './attempt-logic.js';
import { type Ending, type FlowContext, type FlowMachineInput, initialContext, reason } from './context.js';
import * as update from './context-updates.js';
import { AWAITING_HUMAN, type FlowEvent, VERIFYING } from './flow-events.js';
import type { FlowSpec } from './flow-spec.js';
import { agentState, awaitingState, meta, verifyingState, waiters } from './flow-states.js';
import type { FlowMeta } from './parts/baton-meta.js';
import { recordTransition } from './record-transition.js';
import { runEnvOf, type TransitionKind } from './run-env.js';
import type { VerdictKind } from './verdict.js';

/**
 * Compiles a flow to an XState v5 machine: a transient `start` state that validates the input, one
 * state per agent, and the four final states. An agent state invokes one attempt; when it ends, its
 * targetless `onDone` assesses the decision once and stores the verdict in the context, and the state's
 * eventless routing leaves by the first transition whose guard matches the stored verdict of this
 * attempt (escalate, a handoff, finish, repair, else fail). Guards only read the stored verdict.
 * Guards, actions and actors are named in `setup()`, so a test can swap an agent with
 * `machine.provide({ actors: { name: fromPromise(...) } })`. The states are built in `flow-states.ts`,
 * what each action writes into the context in `context-updates.ts`, and the run log's entry for each
 * transition in `record-transition.ts`.
 */
export function buildMachine(spec: FlowSpec, tools: ReadonlyMap<string, readonly ToolSpec[]>) {
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
        update.startFacts(spec, context.input).ok,
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
      enterStart: assign(({ context, event }) => update.enterStart({ spec, context, event })),
      invalidInput: assign(({ context, event }) => update.invalidInput({ spec, context, event })),
      assess: assign(({ context, event }) => update.assessAttempt({ spec, context, event })),
      handoff: assign(({ context, event }) => update.handoff({ spec, context, event })),
      repair: assign(({ context, event }) => update.repair({ spec, context, event })),
      startVerify: assign(({ context, event }) => update.startVerify({ spec, context, event })),
      revise: assign(({ context, event }) => update.revise({ spec, context, event })),
      answer: assign(({ context, event }) => update.answer({ spec, context, event })),
      finishConfirmed: assign(({ context, event }) => update.finishConfirmed({ spec, context, event })),
      refuseLimit: assign(({ context, event }) => update.refuseLimit({ spec, context, event })),
      humanTimeout: assign(({ context, event }) => update.humanTimeout({ spec, context, event })),
      finish: assign(({ context, event }) => update.finish({ spec, context, event })),
      conclude: assign(({ context, event }) => update.conclude({ spec, context, event })),
      crash: assign(({ context, event }) => update.crash({ spec, context, event })),
      cancel: assign(({ context, event }) => update.cancel({ spec, context, event })),
      expire: assign(({ context, event }) => update.expire({ spec, context, event })),
      /** Records the transition just taken, from the verdict or the ending it set. */
      record: ({ context, system }, params: { kind: TransitionKind }) => {
        const events = runEnvOf(system).events;
        if (events) recordTransition(events, context, params.kind);
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
        reason: reason('contract_violation', 'The run ended without an ending.', update.where(context)),
      },
  });
}

/** The XState machine a flow compiles to. */
export type FlowMachine = ReturnType<typeof buildMachine>;
