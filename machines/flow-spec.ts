import type { AnyAgent } from '../agents/define-agent.js';
import type { JsonSchemaObject } from '../contracts/schema.js';
import type { Validator } from '../contracts/validator.js';
import type { ResolvedLimits } from './limits.js';
import type { Criterion } from './verify.js';

/** What a done predicate returns: true when done, else the unmet conditions (a string or a list). */
export type DoneResult = boolean | string | readonly string[];

/** The done contract: told the flow input and the validated result, says what is still unmet. */
export type DonePredicate<I = unknown, O = unknown> = (args: {
  readonly input: I;
  readonly output: O;
}) => DoneResult;

/** The flow's facts: typed state that declared tools write and declared agents read. */
export interface FactsSpec {
  /** The object schema of all the facts. */
  readonly schema: JsonSchemaObject;
  /** The facts a run starts with, from its validated input. */
  readonly initial: (input: unknown) => unknown;
  /** Checks the whole of the facts. */
  readonly validator: Validator<unknown>;
  /** Checks one fact's value: its violations in words, or null. */
  readonly check: (name: string, value: unknown) => string | null;
}

/** The resolved definition of a flow that the machine's guards and actors work from. */
export interface FlowSpec {
  readonly id: string;
  readonly start: string;
  readonly agents: ReadonlyMap<string, AnyAgent>;
  readonly routes: Readonly<Record<string, readonly string[]>>;
  readonly finish: ReadonlySet<string>;
  readonly limits: ResolvedLimits;
  readonly input: Validator<unknown>;
  readonly output: Validator<unknown>;
  readonly done: DonePredicate | undefined;
  readonly facts: FactsSpec | null;
  /** The resource limits whose policy is `wait`: running out asks a person for as much again. */
  readonly waitOn: ReadonlySet<WaitableLimit>;
  /** The verify stage: every finish is checked against these criteria before `done`. */
  readonly verify: VerifySpec | null;
  /** The field of a result that lists the assumptions it rests on, or null. */
  readonly assumptions: string | null;
}

/** A flow's resolved verify stage. */
export interface VerifySpec {
  readonly criteria: readonly Criterion[];
  /** The criteria the judge judges. */
  readonly judged: readonly Criterion[];
  readonly judge: AnyAgent | null;
  /** Rounds of verification a run may take; the worker revises between them. */
  readonly rounds: number;
}

/** The limits a person may extend when they run out: resources, not the counters that bound cycles. */
export type WaitableLimit = 'turns' | 'tokens' | 'usd';
