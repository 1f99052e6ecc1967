import type { AnyAgent } from '../agents/define-agent.js';
import { assertDefinition } from '../contracts/arguments.js';
import { checkCompatible } from '../contracts/compat.js';
import { BatonError } from '../contracts/errors.js';
import { assertObjectSchema, type JsonSchemaObject } from '../contracts/schema.js';
import { RESERVED_STATES } from './flow-events.js';
import { type FlowLimits, type ResolvedLimits, resolveLimits } from './limits.js';

interface DefinitionShape {
  readonly id: string;
  readonly input: unknown;
  readonly output: unknown;
  readonly start: string;
  readonly agents: readonly AnyAgent[];
  readonly routes?: { readonly [name: string]: readonly string[] | undefined };
  readonly finish: readonly string[];
  readonly done?: unknown;
  readonly limits?: FlowLimits;
}

const FLOW_ID = /^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/;

function fail(flow: string, message: string, details: Record<string, unknown> = {}): never {
  throw new BatonError('invalid_flow', `Flow "${flow}": ${message}`, { details: { flow, ...details } });
}

/**
 * Checks a flow definition and returns its routes with every agent present and its limits with the
 * defaults filled in. Throws `invalid_flow` with the flow, the agent and the fix for anything that would
 * make the flow unable to run as written.
 */
export function validateFlowDefinition(definition: DefinitionShape): {
  routes: Record<string, readonly string[]>;
  limits: ResolvedLimits;
} {
  assertDefinition(definition, 'invalid_flow', 'defineFlow', '{ id, input, output, start, agents, finish }');
  const { id } = definition;
  if (typeof id !== 'string' || !FLOW_ID.test(id)) {
    throw new BatonError(
      'invalid_flow',
      `Flow id ${JSON.stringify(id)} is invalid: use 1-64 letters, digits, '_' or '-', starting with a letter.`,
    );
  }
  const { version } = definition as { readonly version?: unknown };
  if (version !== undefined && (typeof version !== 'string' || !/^\S.{0,63}$/.test(version)))
    fail(
      id,
      `its version must be a non-empty string of at most 64 characters, got ${JSON.stringify(version)}.`,
    );
  const input = assertObjectSchema(definition.input, `flow "${id}" input`);
  const output = assertObjectSchema(definition.output, `flow "${id}" output`);
  if (!Array.isArray(definition.agents) || definition.agents.length === 0)
    fail(id, 'it needs at least one agent in `agents`.');
  const agents = new Map<string, AnyAgent>();
  for (const agent of definition.agents) {
    if (!agent || (agent.kind !== 'agent' && agent.kind !== 'step')) {
      fail(id, 'every entry of `agents` must come from defineAgent or defineStep.');
    }
    if (agents.has(agent.name))
      fail(id, `two agents are named "${agent.name}". Agent names must be unique.`, { agent: agent.name });
    if (RESERVED_STATES.includes(agent.name)) {
      fail(
        id,
        `agent name "${agent.name}" is reserved for a state of the flow (${RESERVED_STATES.join(', ')}). Rename the agent.`,
        { agent: agent.name },
      );
    }
    agents.set(agent.name, agent);
  }
  const known = [...agents.keys()].join(', ');
  if (definition.start === undefined) {
    fail(
      id,
      `\`start\` is missing. Name the agent that receives the flow input, one of ${known}: start: '${definition.agents[0]?.name}'.`,
    );
  }
  if (typeof definition.start !== 'string') {
    fail(
      id,
      `\`start\` must be the name of an agent (a string), got ${describe(definition.start)}. Write its name, one of ${known}.`,
    );
  }
  const start = agents.get(definition.start);
  if (!start)
    fail(
      id,
      `the start agent "${definition.start}" is not in \`agents\` (${known}). Add it or start with one of those.`,
      { agent: definition.start },
    );
  const entry = checkCompatible(input, start.input);
  if (!entry.ok) {
    fail(
      id,
      `the flow input does not fit the input of start agent "${start.name}" at ${entry.first.path || '/'}: ${entry.first.message}`,
      {
        agent: start.name,
        path: entry.first.path,
      },
    );
  }

  const routes: Record<string, readonly string[]> = {};
  for (const [from, targets] of Object.entries(definition.routes ?? {})) {
    if (!agents.has(from))
      fail(id, `routes name "${from}", which is not in \`agents\` (${known}).`, { agent: from });
    if (targets === undefined) continue;
    if (!Array.isArray(targets)) fail(id, `routes.${from} must be a list of agent names.`, { agent: from });
    for (const to of targets) {
      if (!agents.has(to))
        fail(
          id,
          `agent "${from}" routes to "${to}", which is not in \`agents\` (${known}). Add the agent or remove the route.`,
          { agent: from, to },
        );
    }
    if (new Set(targets).size !== targets.length)
      fail(id, `routes.${from} lists an agent twice.`, { agent: from });
    routes[from] = [...targets];
  }

  if (definition.finish === undefined) {
    fail(
      id,
      '`finish` is missing, so no agent may finish and the flow can never reach `done`. List the agents that produce the result in `finish`.',
    );
  }
  if (!Array.isArray(definition.finish) || definition.finish.length === 0) {
    fail(
      id,
      'no agent may finish, so the flow can never reach `done`. List the agents that produce the result in `finish`.',
    );
  }
  for (const name of definition.finish) {
    const agent = agents.get(name);
    if (!agent)
      fail(id, `\`finish\` names "${name}", which is not in \`agents\` (${known}).`, { agent: name });
    if (agent.output)
      assertFits(
        id,
        name,
        agent.output,
        output,
        `the output schema of "${name}" does not fit the flow's output schema`,
      );
  }
  for (const agent of agents.values()) {
    if (agent.kind !== 'step') continue;
    const out = routes[agent.name] ?? [];
    const finishes = definition.finish.includes(agent.name);
    if (out.length === 0 && !finishes)
      fail(
        id,
        `step "${agent.name}" has no route and may not finish. Add a route from it or list it in \`finish\`.`,
        { agent: agent.name },
      );
    if (!agent.next && (out.length > 1 || (out.length === 1 && finishes))) {
      fail(
        id,
        `step "${agent.name}" has several ways on (${[...out, ...(finishes ? ['finish'] : [])].join(', ')}) but no next(). Give it next() to pick one.`,
        {
          agent: agent.name,
        },
      );
    }
    for (const to of out) {
      assertFits(
        id,
        agent.name,
        agent.output!,
        agents.get(to)!.input,
        `the output of step "${agent.name}" does not fit the input of "${to}"`,
      );
    }
  }
  const limits = resolveLimits(id, definition.limits);
  checkStartCanAct(id, start, definition.finish.includes(start.name), limits);
  checkDone(id, definition.done);
  return { routes, limits };
}

/**
 * Rejects limits under which the start agent could do nothing useful: no model turn at all, or no
 * handoff or visit of another agent while it may not finish itself, so every run would end escalated.
 */
function checkStartCanAct(flow: string, start: AnyAgent, finishes: boolean, limits: ResolvedLimits): void {
  const name = start.name;
  if (limits.turns === 0 && start.kind === 'agent') {
    fail(
      flow,
      `limits.turns is 0, so start agent "${name}" could never call its model and every run would end escalated. ` +
        'Set limits.turns to at least 1 (the default is 32).',
      { agent: name, limit: 'turns' },
    );
  }
  if (finishes) return;
  for (const limit of ['handoffs', 'visits'] as const) {
    if (limits[limit] !== 0) continue;
    const why =
      limit === 'handoffs'
        ? `start agent "${name}" could never hand off`
        : `no agent could be visited after start agent "${name}" (limits.visits counts every visit, the first one included)`;
    fail(
      flow,
      `limits.${limit} is 0, so ${why}, and "${name}" may not finish: every run would end escalated. ` +
        `Set limits.${limit} to at least 1, or list "${name}" in \`finish\`.`,
      { agent: name, limit },
    );
  }
}

/** The kinds of function a done predicate cannot be: it is called synchronously and must return its answer. */
const NOT_SYNCHRONOUS: Readonly<Record<string, string>> = {
  AsyncFunction: 'an async function',
  AsyncGeneratorFunction: 'an async generator function',
  GeneratorFunction: 'a generator function',
};

function checkDone(flow: string, done: unknown): void {
  if (done === undefined) return;
  if (typeof done !== 'function') {
    fail(
      flow,
      `\`done\` must be a function ({ input, output }) => true | string | string[], got ${describe(done)}. ` +
        'Pass such a function, or leave `done` out to accept every result that fits the output schema.',
    );
  }
  const name = (done as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name === 'string' && Object.hasOwn(NOT_SYNCHRONOUS, name)) {
    fail(
      flow,
      `\`done\` is ${NOT_SYNCHRONOUS[name]}, but done predicates must be synchronous: the flow checks the result the moment an agent finishes. ` +
        'Make it a plain function that returns true, or the unmet conditions (a string or a list), from { input, output }; ' +
        'do anything that must wait (a lookup, a judge) in an agent or a code step before the finish.',
    );
  }
}

/** A value's kind, said for a person. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value === 'boolean' || typeof value === 'number' ? `the ${typeof value} ` : 'a '}${String(value)}`;
}

function assertFits(
  flow: string,
  agent: string,
  producer: JsonSchemaObject,
  consumer: JsonSchemaObject,
  what: string,
): void {
  const result = checkCompatible(producer, consumer);
  if (!result.ok) {
    fail(flow, `${what} at ${result.first.path || '/'}: ${result.first.message}`, {
      agent,
      path: result.first.path,
    });
  }
}
