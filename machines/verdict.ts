import type { Feedback } from '../agents/decision.js';
import type { Message } from '../agents/model.js';
import type { ReasonCode } from '../contracts/reasons.js';
import type { JsonSchemaObject } from '../contracts/schema.js';
import type { Reason } from './context.js';
import type { BestRound, Candidate, CriterionResult } from './verify.js';

/**
 * A question a run waits on: an agent's `ask_human`, or a call of a tool that needs approval. It is kept
 * in the verdict, so a stored snapshot holds it, and `answerRun` validates the answer against `answer`.
 */
export interface HumanWait {
  /** The question's id, unique in its run: answering names it, so a late answer cannot answer the next one. */
  readonly id: string;
  /**
   * An agent's question, a tool call's approval, a limit that ran out and may be extended, or critical
   * assumptions a finished result rests on, to confirm before `done`.
   */
  readonly kind: 'ask' | 'approval' | 'limit' | 'confirm';
  /** For a limit: the code the run ends with if the person refuses more. */
  readonly code?: ReasonCode;
  /** The agent that asked, and the step of its attempt. */
  readonly agent: string;
  readonly step: number;
  /** What the person is asked, in words. */
  readonly question: string;
  /** The JSON Schema the answer must satisfy. */
  readonly answer: JsonSchemaObject;
  /** For an approval: the tool and its call's arguments. */
  readonly tool?: string;
  readonly arguments?: unknown;
  /** For a confirmation of critical assumptions: the result that waits for it, and its worker's input. */
  readonly output?: unknown;
  readonly payload?: unknown;
  /** The model's id of the tool call that asked. */
  readonly callId: string | null;
  /** The clock's time when the run started waiting, and when the wait ends `human_timeout` (or null). */
  readonly askedAt: number;
  readonly expiresAt: number | null;
}

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
    | {
        readonly kind: 'escalate' | 'fail';
        readonly reason: Reason;
        /** What the run hands over as its partial result instead of the last payload (the best round). */
        readonly keep?: unknown;
      }
    | {
        /** The finish met the done contract and the checks: the judge is called on it. */
        readonly kind: 'verify';
        readonly candidate: Candidate;
      }
    | {
        /** A round of verification failed: the worker revises, continuing its visit with the feedback. */
        readonly kind: 'revise';
        readonly to: string;
        readonly payload: unknown;
        readonly feedback: Feedback;
        readonly transcript: readonly Message[];
        readonly results: readonly CriterionResult[];
        readonly best: BestRound;
      }
    | {
        readonly kind: 'wait';
        readonly wait: HumanWait;
        /** The visit's messages so far: the attempt after the answer continues them. */
        readonly transcript: readonly Message[];
        /** Set when the answer came: the next attempt reads it. */
        readonly answer?: unknown;
      }
  );

/** The kinds of verdict, in the order the routing tries them. */
export type VerdictKind = Verdict['kind'];

/** A verdict before the attempt's identity (its agent and step) is set on it. */
export type Judgement = Verdict extends infer V
  ? V extends Verdict
    ? Omit<V, 'agent' | 'step'>
    : never
  : never;
