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
