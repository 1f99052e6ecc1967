import { assertDefinition } from '../contracts/arguments.js';
import { BatonError } from '../contracts/errors.js';
import { assertObjectSchema, type Infer, type Schema } from '../contracts/schema.js';
import { compiledValidator } from '../contracts/validator.js';
import { assertParticipant, type Step, type StepContext } from './define-agent.js';

/** A code step as written by the user: what `defineStep` takes. */
export interface StepDefinition<N extends string, I extends Schema, O extends Schema> {
  /** Its name, and its state in the flow's machine: 1–48 letters, digits, `_` or `-`, from a letter. */
  readonly name: N;
  /** Its capability, in one sentence: agents that hand off to it read it as the description of that tool. */
  readonly description: string;
  /** The object schema of its input: a handoff to it must send a payload of this type. */
  readonly input: I;
  /**
   * The object schema of its output: `defineFlow` checks that it fits the input of each agent the step
   * routes to, and an output that finishes the flow is validated against it.
   */
  readonly output: O;
  /**
   * Computes the output from the validated input, with a signal that aborts at the run's deadline or on
   * cancel. A throw fails the run with `step_failed`.
   */
  readonly run: (context: StepContext<Infer<I>>) => Infer<O> | Promise<Infer<O>>;
  /**
   * Needed when the step has several ways on: returns the agent to hand the output to, or null to finish.
   * Without it the output goes to the step's one route, or finishes the flow. A name that is not one of its
   * routes, or a throw, fails the run with `step_failed`.
   */
  readonly next?: (context: { readonly input: Infer<I>; readonly output: Infer<O> }) => string | null;
}

/**
 * Defines a code step: an agent with no model. Its output is handed to its route (or to the one `next`
 * picks), whose input schema it must fit, or, if the flow lets it finish, checked against the output
 * schemas and the done contract. A code step gets no repair: an output that fails a schema fails the run
 * with `contract_violation`, a throw with `step_failed`. Throws `invalid_agent` for a name that is not 1–48 letters, digits, `_` or `-` starting
 * with a letter, a missing description or `run`; `invalid_schema` when `input` or `output` is not an
 * object schema ajv can compile.
 *
 * @example
 * ```ts
 * import Type from 'typebox';
 * import { defineStep } from 'baton-flow';
 *
 * export const route = defineStep({
 *   name: 'route',
 *   description: 'Sends a ticket that names an invoice to billing, any other to tech.',
 *   input: Type.Object({ ticketId: Type.String(), body: Type.String() }),
 *   output: Type.Object({ ticketId: Type.String(), invoiceId: Type.Union([Type.String(), Type.Null()]) }),
 *   run: ({ input }) => ({ ticketId: input.ticketId, invoiceId: /INV-\d+/.exec(input.body)?.[0] ?? null }),
 *   next: ({ output }) => (output.invoiceId === null ? 'tech' : 'billing'),
 * });
 * ```
 */
export function defineStep<const N extends string, I extends Schema, O extends Schema>(
  definition: StepDefinition<N, I, O>,
): Step<N, Infer<I>, Infer<O>> {
  assertDefinition(definition, 'invalid_agent', 'defineStep', '{ name, description, input, output, run }');
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
    inputValidator: compiledValidator<Infer<I>>(input, `step "${name}" input`),
    output,
    outputValidator: compiledValidator<Infer<O>>(output, `step "${name}" output`),
    run: definition.run,
    next: definition.next as Step<N, Infer<I>, Infer<O>>['next'],
  });
}
