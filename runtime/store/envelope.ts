import { createHash } from 'node:crypto';
import { BatonError } from '../../contracts/errors.js';
import type { AnyFlow } from '../../machines/define-flow.js';
import { DEFAULT_LIMITS } from '../../machines/limits.js';
import { SNAPSHOT_SCHEMA, type SnapshotEnvelope } from './store.js';

/** Turns a snapshot stored by an earlier version of a flow into one this version can resume. */
export type SnapshotMigration = (snapshot: unknown) => unknown;

/** Migrations by the flow version they migrate from: `{ '1': (snapshot) => … }` resumes version-1 runs. */
export type SnapshotMigrations = Readonly<Record<string, SnapshotMigration>>;

/** JSON with object keys in order and functions left out: the same machine always gives the same text. */
function canonical(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'function' || typeof value === 'symbol' || value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[cycle]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => canonical(item, seen) ?? null);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = canonical((value as Record<string, unknown>)[key], seen);
    if (item !== undefined) out[key] = item;
  }
  return out;
}

/**
 * A hash of the flow's definition as a snapshot depends on it: its start, routes, finishers and limits,
 * its contracts, and each agent's kind, contracts and tools. Prompts and models are left out: a changed
 * instruction resumes; a removed agent, a new route or a changed schema does not. The machine Baton
 * compiles the definition to is left out too: its shape is what `SNAPSHOT_SCHEMA` versions, so a Baton
 * upgrade that keeps the schema resumes every stored run. It reads the whole definition: `envelopeMaker`
 * computes it once per flow, not per run or commit.
 */
export function machineHash(flow: AnyFlow): string {
  const agents = [...flow.agents.values()].map((agent) => ({
    name: agent.name,
    kind: agent.kind,
    input: agent.input,
    output: agent.output ?? null,
    tools:
      agent.kind === 'agent'
        ? agent.tools.map((tool) => ({
            name: tool.name,
            input: tool.input,
            // Entered only when set, so that flows stored before facts existed keep their hash.
            ...(tool.writes.length > 0 ? { writes: tool.writes } : {}),
          }))
        : [],
    ...(agent.kind === 'agent' && agent.facts.length > 0 ? { facts: agent.facts } : {}),
  }));
  const definition = {
    start: flow.start,
    routes: flow.routes,
    finish: [...flow.finish].sort(),
    limits: hashedLimits(flow.limits),
    input: flow.input,
    output: flow.output,
    agents,
    ...(flow.spec.facts ? { facts: flow.spec.facts.schema } : {}),
    ...(flow.spec.waitOn.size > 0 ? { waitOn: [...flow.spec.waitOn].sort() } : {}),
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(definition)))
    .digest('hex')
    .slice(0, 32);
}

/** Limits added after the snapshot schema was fixed; they enter the hash only when a flow sets them. */
const LATER_LIMITS = ['asks', 'humanMs'] as const;

/** A flow's limits as the hash reads them: a later limit at its default is left out, so runs stored before it existed still resume. */
function hashedLimits(limits: AnyFlow['limits']): Record<string, number> {
  const out: Record<string, number> = { ...limits };
  for (const key of LATER_LIMITS) if (limits[key] === DEFAULT_LIMITS[key]) delete out[key];
  return out;
}

/** The names of a flow machine's states. */
export function stateNames(flow: AnyFlow): string[] {
  return Object.keys((flow.machine.config as { states?: object }).states ?? {});
}

/** The hash and state names of each flow, computed on its first stored run: a flow is frozen. */
const identities = new WeakMap<AnyFlow, { readonly machine: string; readonly states: readonly string[] }>();

/** Wraps persisted XState snapshots of `flow` for storing; the machine is hashed once per flow. */
export function envelopeMaker(flow: AnyFlow): (snapshot: unknown) => SnapshotEnvelope {
  let identity = identities.get(flow);
  if (!identity) {
    identity = { machine: machineHash(flow), states: stateNames(flow) };
    identities.set(flow, identity);
  }
  const { machine, states } = identity;
  return (snapshot) => ({
    format: 'baton.snapshot',
    schema: SNAPSHOT_SCHEMA,
    flow: flow.id,
    flowVersion: flow.version,
    machine,
    states,
    snapshot,
  });
}

/**
 * The snapshot inside an envelope, checked against the flow it is to be resumed into: the same flow, an
 * envelope schema this code reads, and the same machine, or a migration from the stored version. Throws
 * `snapshot_incompatible` naming what changed otherwise; nothing in the store is touched.
 */
export function openEnvelope(
  flow: AnyFlow,
  envelope: SnapshotEnvelope,
  runId: string,
  migrations: SnapshotMigrations = {},
): unknown {
  const refuse = (why: string, fix: string) =>
    new BatonError(
      'snapshot_incompatible',
      `Run "${runId}" cannot be resumed into flow "${flow.id}": ${why} ${fix}`,
      {
        details: { runId, flow: flow.id, stored: { flow: envelope.flow, version: envelope.flowVersion } },
      },
    );
  if (envelope.format !== 'baton.snapshot' || typeof envelope.schema !== 'number')
    throw refuse('what is stored is not a Baton snapshot.', 'The store holds data Baton did not write.');
  if (envelope.schema > SNAPSHOT_SCHEMA)
    throw refuse(
      `its snapshot has schema ${envelope.schema}, newer than this Baton reads (${SNAPSHOT_SCHEMA}).`,
      'Resume it with the Baton version that stored it, or a newer one.',
    );
  if (envelope.flow !== flow.id)
    throw refuse(`it is a run of flow "${envelope.flow}".`, `Resume it with flow "${envelope.flow}".`);
  if (envelope.flowVersion !== flow.version) {
    const migrate = migrations[envelope.flowVersion];
    if (!migrate)
      throw refuse(
        `it was stored by version ${envelope.flowVersion} of the flow, and this is version ${flow.version}.`,
        `Pass a migration from version ${envelope.flowVersion} in \`migrations\`, or resume it with version ${envelope.flowVersion}.`,
      );
    return migrate(envelope.snapshot);
  }
  if (envelope.machine !== machineHash(flow)) {
    const now = new Set(stateNames(flow));
    const gone = envelope.states.filter((state) => !now.has(state));
    const why =
      gone.length > 0
        ? `state${gone.length === 1 ? '' : 's'} ${gone.map((s) => `"${s}"`).join(', ')} no longer exist${gone.length === 1 ? 's' : ''} in version ${flow.version}.`
        : `its agents, routes, limits or contracts changed under the same version (${flow.version}).`;
    throw refuse(
      why,
      'Give the changed flow a new `version` and a migration for the runs stored by the old one, or resume them with the old definition.',
    );
  }
  return envelope.snapshot;
}
