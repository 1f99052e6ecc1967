import type { AnyStateMachine } from 'xstate';
import { BatonError } from '../../contracts/errors.js';
import { type AnyFlow, isFlow } from '../define-flow.js';
import { checkChains } from './check-chains.js';
import { checkContracts } from './check-contracts.js';
import { checkCost } from './check-cost.js';
import { checkExits } from './check-exits.js';
import { type CheckOptions, resolveCheckOptions } from './check-options.js';
import { checkProviderFit } from './check-provider-fit.js';
import { checkReachability } from './check-reachability.js';
import { checkRoles } from './check-roles.js';
import { checkTermination } from './check-termination.js';
import { DIAGNOSTIC_CODES } from './codes.js';
import type { Diagnostic, Finding } from './diagnostic.js';
import { machineGraph } from './machine-graph.js';
import { type FlowBounds, flowBounds } from './path-bounds.js';

/** What `check` accepts: a flow from `defineFlow`, or an XState machine (best built from Baton's parts). */
export type Checkable = AnyFlow | AnyStateMachine;

/** Everything `check` found about a flow: its diagnostics, errors first, and how long its runs can be. */
export interface CheckReport {
  readonly flow: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly bounds: FlowBounds;
}

/** The XState machine of a flow, or the machine itself; throws `invalid_argument` for anything else. */
export function machineOf(target: Checkable): AnyStateMachine {
  if (isFlow(target)) return target.machine as unknown as AnyStateMachine;
  const machine = target as Partial<AnyStateMachine> | null;
  if (typeof machine !== 'object' || machine === null || !machine.root || !machine.implementations) {
    throw new BatonError(
      'invalid_argument',
      'check expects a flow made by defineFlow or an XState machine (createMachine, setup().createMachine or partsMachine).',
    );
  }
  return target as AnyStateMachine;
}

/**
 * Checks a flow or machine statically and returns the full report: every diagnostic (with the code,
 * where, and the fix) plus the path bounds. Reads only the machine: its states, transitions, guards,
 * actions and `meta.baton`, so it works the same on custom machines built from the parts.
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
 * import { checkReport } from 'baton-flow';
 *
 * const { diagnostics, bounds } = checkReport(notes);
 * console.log(diagnostics.length, bounds.shortest?.handoffs, bounds.worstCase.modelCalls);
 * ```
 */
export function checkReport(target: Checkable, options?: CheckOptions): CheckReport {
  const resolved = resolveCheckOptions(options);
  const graph = machineGraph(machineOf(target));
  const bounds = flowBounds(graph, resolved.searchLimit);
  const findings: Finding[] = [
    ...checkReachability(graph),
    ...checkTermination(graph),
    ...checkExits(graph),
    ...checkContracts(graph),
    ...checkRoles(graph),
    ...checkChains(graph, bounds, resolved),
    ...checkProviderFit(graph, resolved),
    ...checkCost(graph),
  ];
  const diagnostics: Diagnostic[] = [];
  for (const finding of findings) {
    const severity = resolved.rules[finding.code] ?? DIAGNOSTIC_CODES[finding.code].severity;
    if (severity === 'off') continue;
    const { code, state, agent, message, fix, path } = finding;
    diagnostics.push({
      code,
      severity,
      flow: graph.id,
      state,
      agent,
      message,
      fix,
      ...(path === undefined ? {} : { path }),
    });
  }
  const rank = (d: Diagnostic) => (d.severity === 'error' ? 0 : 1);
  return { flow: graph.id, diagnostics: diagnostics.sort((a, b) => rank(a) - rank(b)), bounds };
}

/**
 * Checks a flow or machine statically: reachability both ways, a termination proof (every cycle passes a
 * bounded counter guard), error and budget exits, the done contract, contract fit, roles, handoff chains
 * against the budget, and provider fit. Returns the diagnostics, errors first; an empty list is a pass.
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
 * const errors = check(notes, { strictSchemas: 'all' }).filter((d) => d.severity === 'error');
 * if (errors.length > 0) throw new Error(formatDiagnostics(errors));
 * ```
 */
export function check(target: Checkable, options?: CheckOptions): Diagnostic[] {
  return [...checkReport(target, options).diagnostics];
}
