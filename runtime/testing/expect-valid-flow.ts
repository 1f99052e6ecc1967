import { BatonError } from '../../contracts/errors.js';
import { type Checkable, checkReport } from '../../machines/check/check.js';
import type { CheckOptions } from '../../machines/check/check-options.js';
import { formatDiagnostics } from '../../machines/check/format-diagnostics.js';

/** Options of `expectValidFlow`: the check's options, and whether warnings fail too. */
export interface ExpectValidFlowOptions extends CheckOptions {
  /** Fail on warnings as well as errors (default false). */
  readonly failOnWarnings?: boolean;
}

/**
 * Fails a test on an invalid flow in any test runner: throws `flow_check_failed` listing what `check`
 * reports (errors, and warnings with `failOnWarnings`), with every diagnostic in `details.diagnostics`.
 *
 * @example
 * ```ts
 * import Type from 'typebox';
 * import { defineAgent, defineFlow } from 'baton-flow';
 * import { expectValidFlow, scripted } from 'baton-flow/testing';
 *
 * const Draft = Type.Object({ text: Type.String() });
 * const writer = defineAgent({ name: 'writer', description: 'Drafts.', input: Draft, instructions: 'Draft it.', model: scripted([]) });
 * const editor = defineAgent({ name: 'editor', description: 'Edits.', input: Draft, instructions: 'Edit it.', model: scripted([]) });
 * const article = defineFlow({
 *   id: 'article',
 *   input: Draft,
 *   output: Draft,
 *   start: 'writer',
 *   agents: [writer, editor],
 *   routes: { writer: ['editor'] },
 *   finish: ['editor'],
 * });
 *
 * expectValidFlow(article, { failOnWarnings: true });
 * ```
 */
export function expectValidFlow(target: Checkable, options: ExpectValidFlowOptions = {}): void {
  const { failOnWarnings = false, ...checkOptions } = options;
  const { flow, diagnostics } = checkReport(target, checkOptions);
  const failing = diagnostics.filter((d) => failOnWarnings || d.severity === 'error');
  if (failing.length === 0) return;
  throw new BatonError(
    'flow_check_failed',
    `Expected flow "${flow}" to pass its check, but it reports ${failing.length} problem${failing.length === 1 ? '' : 's'}:\n\n${formatDiagnostics(failing)}`,
    { details: { flow, diagnostics } },
  );
}
