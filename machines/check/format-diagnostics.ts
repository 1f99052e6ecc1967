import type { Diagnostic } from './diagnostic.js';

/**
 * One diagnostic as readable text: severity, code and place on the first line, then the message and the fix.
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
 * import { check, formatDiagnostic } from 'baton-flow';
 *
 * for (const diagnostic of check(notes)) console.log(formatDiagnostic(diagnostic));
 * ```
 */
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

/**
 * Diagnostics as readable text, one block each, separated by blank lines.
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
 * import { check, formatDiagnostics } from 'baton-flow';
 *
 * console.log(formatDiagnostics(check(notes)) || 'no findings');
 * ```
 */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map(formatDiagnostic).join('\n\n');
}
