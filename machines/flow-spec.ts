import type { AnyAgent } from '../agents/define-agent.js';
import type { Validator } from '../contracts/validator.js';
import type { ResolvedLimits } from './limits.js';

/** What a done predicate returns: true when done, else the unmet conditions (a string or a list). */
export type DoneResult = boolean | string | readonly string[];

/** The done contract: told the flow input and the validated result, says what is still unmet. */
export type DonePredicate<I = unknown, O = unknown> = (args: {
  readonly input: I;
  readonly output: O;
}) => DoneResult;

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
}
