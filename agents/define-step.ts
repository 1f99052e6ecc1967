import { BatonError } from '../contracts/errors.js';
import { assertObjectSchema, type Infer, type Schema } from '../contracts/schema.js';
import { type Validator, validatorFor } from '../contracts/validator.js';
import { assertParticipant, type Step, type StepContext } from './define-agent.js';

/** A code step as written by the user. */
export interface StepDefinition<N extends string, I extends Schema, O extends Schema> {
  readonly name: N;
  readonly description: string;
  readonly input: I;
  readonly output: O;
  readonly run: (context: StepContext<Infer<I>>) => Infer<O> | Promise<Infer<O>>;
  /** Needed when the step has several ways on: returns the agent to hand the output to, or null to finish. */
  readonly next?: (context: { readonly input: Infer<I>; readonly output: Infer<O> }) => string | null;
}

/**
 * Defines a code step: an agent with no model. Its output is validated, then handed to its route (or
 * to the one `next` picks) or, if the flow lets it finish, checked against the done contract.
 *
 * @example examples/support/flow.ts
 */
export function defineStep<const N extends string, I extends Schema, O extends Schema>(
  definition: StepDefinition<N, I, O>,
): Step<N, Infer<I>, Infer<O>> {
  const { name } = definition;
  assertParticipant('Step', name, definition.description);
  if (typeof definition.run !== 'function') {
    throw new BatonError('invalid_agent', `Step "${name}" needs a run function.`, {
      details: { agent: name },
    });
  }
  const input = assertObjectSchema(definition.input, `step "${name}" input`);
  const output = assertObjectSchema(definition.output, `step "${name}" output`);
  return Object.freeze({
    kind: 'step' as const,
    name,
    description: definition.description,
    input,
    inputValidator: validatorFor(input, `step "${name}" input`) as Validator<Infer<I>>,
    output,
    outputValidator: validatorFor(output, `step "${name}" output`) as Validator<Infer<O>>,
    run: definition.run,
    next: definition.next as Step<N, Infer<I>, Infer<O>>['next'],
  });
}
