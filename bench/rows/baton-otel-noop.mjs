// The `baton` row given an OpenTelemetry tracer while no SDK is registered: `trace.getTracer()` of
// @opentelemetry/api hands out its no-op tracer, as in a service that has not set tracing up. The run
// span is not recorded, so the run traces nothing more: this should cost what `baton` costs. (The
// `baton` row passes no tracer at all, which skips tracing with one check.)

import { batonChain } from '../lib/baton-chain.mjs';
import { offlineModel } from './baton.mjs';

export const row = {
  id: 'baton-otel-noop',
  label: 'Baton, in memory, with a tracer and no OpenTelemetry SDK (no-op)',
  packages: ['baton', 'xstate', 'ajv', '@opentelemetry/api'],
  async setup({ agents, gate, deps }) {
    const baton = await import(deps.baton);
    const { trace } = await import('@opentelemetry/api');
    const tracer = trace.getTracer('baton-bench');
    return batonChain({ baton, agents, makeModel: offlineModel(gate), runOptions: { tracer } });
  },
};
