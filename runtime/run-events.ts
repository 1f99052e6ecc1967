import type { ReasonCode } from '../contracts/reasons.js';
import type { RunUsage } from '../machines/context.js';
import type { MachineEvent, StepEvent, TransitionKind } from '../machines/run-env.js';

export type { TransitionKind };

/**
 * Everything that happens in a run, in causal order: the run starts; each attempt is entered before its
 * first model call; each transition is recorded when the machine takes it. With the scripted model and a
 * fixed clock the list is byte-for-byte reproducible.
 */
export type RunEventBody =
  | { readonly type: 'run.started'; readonly flow: string; readonly input: unknown }
  | StepEvent
  | MachineEvent
  | {
      readonly type: 'run.ended';
      readonly status: string;
      readonly code?: ReasonCode;
      readonly usage: RunUsage;
    };

/** A run event stamped with the run, its sequence number and the clock's time. */
export type RunEvent = RunEventBody & { readonly runId: string; readonly seq: number; readonly at: number };
