import type { ReasonCode } from '../contracts/reasons.js';
import type { RunUsage } from '../machines/context.js';
import type { StepEvent } from '../machines/run-env.js';

/** How the flow moved after a visit. */
export type TransitionKind = 'handoff' | 'repair' | 'finish' | 'escalate' | 'fail' | 'cancel';

/** Everything that happens in a run, in order. With the scripted model and a fixed clock the list is byte-for-byte reproducible. */
export type RunEventBody =
  | { readonly type: 'run.started'; readonly flow: string; readonly input: unknown }
  | {
      readonly type: 'agent.entered';
      readonly step: number;
      readonly agent: string;
      readonly visit: number;
      readonly repair: number;
    }
  | StepEvent
  | {
      readonly type: 'transition';
      readonly step: number;
      readonly from: string;
      readonly to: string;
      readonly kind: TransitionKind;
      readonly code?: ReasonCode;
      readonly message?: string;
    }
  | {
      readonly type: 'run.ended';
      readonly status: string;
      readonly code?: ReasonCode;
      readonly usage: RunUsage;
    };

/** A run event stamped with the run, its sequence number and the clock's time. */
export type RunEvent = RunEventBody & { readonly runId: string; readonly seq: number; readonly at: number };
