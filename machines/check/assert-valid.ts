import { BatonError } from '../../contracts/errors.js';
import { type Checkable, checkReport } from './check.js';
import type { CheckOptions } from './check-options.js';
import type { Diagnostic } from './diagnostic.js';
import { formatDiagnostics } from './format-diagnostics.js';

/**
 * Checks a flow or machine and throws `flow_check_failed` when `check` reports any error: the message
 * lists the errors with their fixes, and `details.diagnostics` holds every diagnostic (warnings too).
 * Returns the diagnostics (warnings only) when the flow passes.
 *
 * @example
 * ```ts
 * import Type from 'typebox';
 * import { defineAgent, defineFlow } from 'baton-flow';
 * import { scripted } from 'baton-flow/testing';
 *
 * const Note = Type.Object({ text: Type.String() });
 * const writer = defineAgent({
 *   name: 'writer',
 *   description: 'Writes a note.',
 *   input: Note,
 *   instructions: 'Write the note the input asks for.',
 *   model: scripted([{ agent: 'writer', finish: { text: 'Hello.' } }]),
 * });
 * const notes = defineFlow({ id: 'notes', input: Note, output: Note, start: 'writer', agents: [writer], finish: ['writer'] });
 * import { assertValid } from 'baton-flow';
 *
 * const warnings = assertValid(notes); // throws flow_check_failed, listing each error and its fix
 * console.log(warnings.length);
 * ```
 */
export function assertValid(target: Checkable, options?: CheckOptions): Diagnostic[] {
  const { flow, diagnostics } = checkReport(target, options);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return [...diagnostics];
  throw new BatonError(
    'flow_check_failed',
    `Flow "${flow}" fails its check with ${errors.length} error${errors.length === 1 ? '' : 's'}:\n\n${formatDiagnostics(errors)}`,
    { details: { flow, diagnostics } },
  );
}
