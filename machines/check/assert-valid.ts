import { BatonError } from '../../contracts/errors.js';
import { type Checkable, checkReport } from './check.js';
import type { CheckOptions } from './check-options.js';
import type { Diagnostic } from './diagnostic.js';
import { formatDiagnostics } from './format-diagnostics.js';

/**
 * Checks a flow or machine and throws `flow_check_failed` when `check` reports any error: the message
 * lists the errors with their fixes, and `details.diagnostics` holds every diagnostic (warnings too).
 * Returns the diagnostics (warnings only) when the flow passes.
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
