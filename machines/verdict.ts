import type { Feedback } from '../agents/decision.js';
import type { Message } from '../agents/model.js';
import type { ReasonCode } from '../contracts/reasons.js';
import type { Reason } from './context.js';

/** Which attempt a verdict assesses: the agent and the run's step number of that attempt. */
interface Assessed {
  readonly agent: string;
  readonly step: number;
}

/**
 * What the flow does with an attempt's decision, assessed once when the attempt ends and stored in the
 * context: the guards of the agent state's routing read it, the actions apply it, the event log reports
 * it, and the inspector and stored snapshots show it.
 */
export type Verdict = Assessed &
  (
    | {
        readonly kind: 'handoff';
        readonly to: string;
        readonly payload: unknown;
        readonly fingerprint: number;
      }
    | { readonly kind: 'done'; readonly output: unknown }
    | {
        readonly kind: 'repair';
        readonly code: ReasonCode;
        readonly feedback: Feedback;
        /** The visit's messages so far: the next attempt continues them, then reads the feedback. */
        readonly transcript: readonly Message[];
      }
    | { readonly kind: 'escalate' | 'fail'; readonly reason: Reason }
  );

/** The kinds of verdict, in the order the routing tries them. */
export type VerdictKind = Verdict['kind'];
