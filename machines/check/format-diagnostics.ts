import type { Diagnostic } from './diagnostic.js';

/** One diagnostic as readable text: severity, code and place on the first line, then the message and the fix. */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const place = [
    `flow ${diagnostic.flow}`,
    ...(diagnostic.state === null ? [] : [`state ${diagnostic.state}`]),
    ...(diagnostic.agent === null || diagnostic.agent === diagnostic.state
      ? []
      : [`agent ${diagnostic.agent}`]),
    ...(diagnostic.path === undefined ? [] : [`at ${diagnostic.path || '/'}`]),
  ].join(' · ');
  return `${diagnostic.severity} ${diagnostic.code} (${place})\n  ${diagnostic.message}\n  fix: ${diagnostic.fix}`;
}

/** Diagnostics as readable text, one block each, separated by blank lines. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map(formatDiagnostic).join('\n\n');
}
