import type { Tracer } from '@opentelemetry/api';
import type { Model } from '../../agents/model.js';
import { loadSdk } from '../../agents/providers/provider-support.js';
import { BatonError, describeThrown } from '../../contracts/errors.js';
import { type AnyFlow, isFlow } from '../../machines/define-flow.js';
import { modelFor } from '../../machines/run-env.js';
import type { RunEvent } from '../run-events.js';
import type { RunResult } from '../run-result.js';
import { listenerFailed } from '../run-watch.js';
import { systemClock } from '../system-clock.js';
import { type AgentInfo, type OtelApi, RunSpans, type SettledRun } from './run-spans.js';

/** What tracing reads of a run's options (`RunOptions` and `ResumeOptions` both have these). */
export interface TracedOptions {
  readonly tracer?: Tracer | undefined;
  readonly traceContent?: boolean | undefined;
  readonly onEvent?: ((event: RunEvent) => void) | undefined;
  readonly clock?: { now(): number } | undefined;
  readonly models?: Model | Readonly<Record<string, Model>> | undefined;
}

/**
 * Runs `start` with the run traced by `options.tracer`: the run's events become spans as they happen
 * (see `RunSpans`), and the run span ends once the run has settled. `start` gets the options without the
 * tracer and with an `onEvent` that feeds the spans, then calls the caller's own `onEvent`: a listener
 * that throws is not called again and the run rejects with `listener_failed` once it has ended, as
 * without a tracer. `@opentelemetry/api` is loaded here, so a run without a tracer never loads it; a run
 * whose span is not recorded (no SDK registered, or sampled out) traces nothing more.
 */
export function traceRun<O extends TracedOptions, R extends SettledRun>(
  flow: AnyFlow,
  options: O,
  start: (options: O) => Promise<R>,
): Promise<R> {
  const { tracer, traceContent, ...rest } = options;
  const untraced = rest as O;
  if (!tracer) return start(options);
  // Without a flow there is nothing to trace: `start` rejects it as it does untraced.
  if (!isFlow(flow)) return start(untraced);
  if (typeof (tracer as Partial<Tracer>).startSpan !== 'function')
    return Promise.reject(
      new BatonError(
        'invalid_argument',
        'The tracer option takes an OpenTelemetry Tracer, e.g. trace.getTracer("my-service") from @opentelemetry/api.',
      ),
    );
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  return loadOtelApi().then((api) => {
    const spans = new RunSpans({
      api,
      tracer,
      flow: flow.id,
      content: traceContent === true,
      agents: agentsOf(flow, options.models),
      startedAt,
    });
    const settle = (result: R): R => {
      spans.settle(result, clock.now());
      return result;
    };
    const abandon = (error: unknown): never => {
      spans.abandon(error, clock.now());
      throw error;
    };
    if (!spans.recording) return start(untraced).then(settle, abandon);
    const listener = options.onEvent;
    let tracerError: { readonly error: unknown } | null = null;
    let listenerError: { readonly error: unknown } | null = null;
    const onEvent = (event: RunEvent): void => {
      if (!tracerError) {
        try {
          spans.record(event);
        } catch (error) {
          tracerError = { error };
        }
      }
      if (!listener || listenerError) return;
      try {
        listener(event);
      } catch (error) {
        listenerError = { error };
      }
    };
    return start({ ...untraced, onEvent }).then((result) => {
      settle(result);
      if (listenerError) throw listenerFailed(flow.id, result as unknown as RunResult, listenerError.error);
      if (tracerError) throw tracerFailed(flow.id, result, tracerError.error);
      return result;
    }, abandon);
  });
}

/** Loads `@opentelemetry/api`: `missing_dependency` with the install line when it is not there. */
export function loadOtelApi(
  load: () => Promise<OtelApi> = () => import('@opentelemetry/api'),
): Promise<OtelApi> {
  return loadSdk({
    name: '@opentelemetry/api',
    load,
    neededBy: 'tracing a run (the tracer option)',
    install: 'npm install @opentelemetry/api',
  });
}

/** The model id each agent of the flow calls in this run, as the run resolves it; none for a code step. */
function agentsOf(
  flow: AnyFlow,
  models: Model | Readonly<Record<string, Model>> | undefined,
): (name: string) => AgentInfo | undefined {
  const env = { clock: systemClock, models };
  const infos = new Map<string, AgentInfo>();
  for (const [name, participant] of flow.agents) {
    infos.set(name, {
      model: participant.kind === 'agent' ? modelFor(env, name, participant.model).id : null,
      description: participant.description,
    });
  }
  return (name) => infos.get(name);
}

function tracerFailed(flow: string, result: SettledRun, error: unknown): BatonError {
  const why = describeThrown(error);
  return new BatonError(
    'listener_failed',
    `The tracer of flow "${flow}" threw: ${why}. The run was not traced further; it ended ${result.status}, and details.result holds its result.`,
    { cause: error, details: { result } },
  );
}
