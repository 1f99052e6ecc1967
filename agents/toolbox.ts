import type { Agent } from './define-agent.js';
import type { AnyTool } from './define-tool.js';
import type { ToolSpec } from './model.js';

const DECISION_KINDS = new Set<ToolSpec['kind']>(['handoff', 'finish', 'ask']);

/** An agent's tools, indexed once per flow so that a visit builds nothing to look them up. */
export interface Toolbox {
  /** The tools as the model sees them: own tools, one handoff tool per route, finish, ask. */
  readonly specs: readonly ToolSpec[];
  readonly byName: ReadonlyMap<string, ToolSpec>;
  /** The agent's own tools, by name. */
  readonly own: ReadonlyMap<string, AnyTool>;
  readonly names: readonly string[];
  /** The decision tools, comma-separated, for telling the model what to call. */
  readonly decisions: string;
}

/** Indexes an agent's tools: done once, when the flow is defined. */
export function toolbox(agent: Agent, specs: readonly ToolSpec[]): Toolbox {
  return Object.freeze({
    specs,
    byName: new Map(specs.map((spec) => [spec.name, spec])),
    own: new Map(agent.tools.map((tool) => [tool.name, tool])),
    names: Object.freeze(specs.map((spec) => spec.name)),
    decisions: specs
      .filter((spec) => DECISION_KINDS.has(spec.kind))
      .map((spec) => spec.name)
      .join(', '),
  });
}

/** Whether a tool is one of the decision tools (handoff, finish, ask). */
export function isDecision(spec: ToolSpec | undefined): boolean {
  return spec !== undefined && DECISION_KINDS.has(spec.kind);
}
