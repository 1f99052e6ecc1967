import type { AnyTransitionDefinition } from 'xstate';
import type { CounterBound } from '../parts/baton-meta.js';
import { partGuards } from '../parts/part-guards.js';
import type { GraphEdge, MachineGraph } from './machine-graph.js';

/** A named guard or action as a transition refers to it. */
export interface NamedRef {
  readonly type: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** What a transition's guard and actions prove about how often it can fire. */
export interface EdgeBounds {
  /** It fires only while one of these counters is below its limit, and counts it. */
  readonly bounds: readonly CounterBound[];
  /** The counters it sets back to zero. */
  readonly resets: readonly string[];
  /** Why it is not bounded, for the message, when `bounds` is empty. */
  readonly why: string;
}

function named(ref: unknown): NamedRef | null {
  if (typeof ref === 'string') return { type: ref, params: {} };
  if (typeof ref === 'object' && ref !== null && typeof (ref as { type?: unknown }).type === 'string') {
    const params = (ref as { params?: unknown }).params;
    return {
      type: (ref as { type: string }).type,
      params: typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : {},
    };
  }
  return null;
}

/** The guards that must all hold for a transition to fire: its guard, or the members of an `and`. Opaque guards are null. */
export function guardConjuncts(guard: unknown): (NamedRef | null)[] {
  if (guard === undefined) return [];
  if (typeof guard === 'function') {
    const composite = guard as { guards?: unknown; check?: { name?: string } };
    if (Array.isArray(composite.guards) && composite.check?.name === 'checkAnd') {
      return composite.guards.flatMap(guardConjuncts);
    }
    return [null];
  }
  return [named(guard)];
}

/** The named actions of a transition, in order (inline functions are left out). */
export function namedActions(transition: AnyTransitionDefinition): NamedRef[] {
  return transition.actions.flatMap((action) => {
    const ref = named(action);
    return ref ? [ref] : [];
  });
}

function describeGuard(guard: unknown): string {
  if (guard === undefined) return 'it has no guard';
  const parts = guardConjuncts(guard);
  const names = parts.map((part) => (part ? `"${part.type}"` : 'an inline function'));
  return `its guard (${names.join(' and ')}) is not a counter guard`;
}

/** Whether a guard name in this machine runs the parts' own implementation (not a replacement). */
export function isPartGuard(graph: MachineGraph, name: keyof typeof partGuards): boolean {
  const guards = graph.machine.implementations.guards as Record<string, unknown>;
  return guards[name] === partGuards[name];
}

/**
 * Reads what bounds a transition, from its actual guard and actions: the parts' counter guard
 * `baton.below` (Baton's implementation, with its `baton.count` on the same transition), or in a
 * `defineFlow` machine the handoff guard (limits.handoffs and limits.visits) and the repair guard
 * (limits.repairs), whose counters its `handoff` and `repair` actions keep.
 */
export function edgeBounds(graph: MachineGraph, edge: GraphEdge): EdgeBounds {
  const { transition } = edge;
  const actions = namedActions(transition);
  const has = (type: string) => actions.some((action) => action.type === type);
  const bounds: CounterBound[] = [];
  const reasons: string[] = [];
  const resets = actions
    .filter((action) => action.type === 'baton.reset')
    .flatMap((action) => (Array.isArray(action.params.counters) ? action.params.counters.map(String) : []));
  const limits = graph.flow?.kind === 'flow' ? graph.flow.limits : undefined;
  if (limits && has('handoff')) resets.push('repairs');

  for (const guard of guardConjuncts(transition.guard)) {
    if (!guard) continue;
    if (guard.type === 'baton.below') {
      const { counter, limit } = guard.params;
      if (!isPartGuard(graph, 'baton.below')) {
        reasons.push('its guard "baton.below" is not Baton\'s implementation (it was replaced)');
      } else if (typeof counter !== 'string' || typeof limit !== 'number') {
        reasons.push('its "baton.below" guard lacks a counter name or a numeric limit');
      } else if (!actions.some((a) => a.type === 'baton.count' && a.params.counter === counter)) {
        reasons.push(`it checks counter "${counter}" but never counts it (no "baton.count" action for it)`);
      } else if (!Number.isFinite(limit)) {
        reasons.push(`its counter "${counter}" has limit ${limit}`);
      } else {
        bounds.push({ counter, limit });
      }
    } else if (limits && guard.type === 'handoffTo' && guard.params.to === edge.to && has('handoff')) {
      const handoffs = limits.handoffs ?? Number.POSITIVE_INFINITY;
      const visits = limits.visits ?? Number.POSITIVE_INFINITY;
      if (Number.isFinite(handoffs)) bounds.push({ counter: 'handoffs', limit: handoffs });
      if (Number.isFinite(visits)) bounds.push({ counter: `visits.${edge.to}`, limit: visits });
      if (bounds.length === 0) reasons.push('limits.handoffs and limits.visits are both Infinity');
    } else if (limits && guard.type === 'reviseTo' && has('revise')) {
      const rounds = graph.flow?.kind === 'flow' ? graph.flow.rounds : undefined;
      if (typeof rounds === 'number' && Number.isFinite(rounds))
        bounds.push({ counter: 'rounds', limit: rounds });
      else reasons.push('the verify stage has no finite rounds');
    } else if (limits && guard.type === 'answered' && has('answer')) {
      const asks = limits.asks ?? Number.POSITIVE_INFINITY;
      if (Number.isFinite(asks)) bounds.push({ counter: 'asks', limit: asks });
      else reasons.push('limits.asks is Infinity');
    } else if (limits && guard.type === 'verdict' && guard.params.kind === 'repair' && has('repair')) {
      const repairs = limits.repairs ?? Number.POSITIVE_INFINITY;
      if (Number.isFinite(repairs)) bounds.push({ counter: 'repairs', limit: repairs });
      else reasons.push('limits.repairs is Infinity');
    }
  }
  const why = reasons.length > 0 ? reasons.join('; ') : describeGuard(transition.guard);
  return { bounds, resets, why };
}
