/**
 * Shape limits of data that crosses a boundary (a flow's input, a model's output): how deep it nests, and
 * whether it refers back to itself. Both are checked with an explicit stack, so the check itself never
 * overflows, however deep or cyclic the value is.
 */

/**
 * The deepest nesting Baton accepts in a flow input or an agent's output. Far deeper than any real
 * payload (JSON from people and models nests a dozen levels, rarely more), and far shallower than what
 * overflows the stack of a recursive consumer down the line (ajv's validators, `JSON.stringify`, a
 * user's `done` predicate all recurse, and overflow somewhere past a few thousand levels).
 */
export const MAX_DEPTH = 256;

/** What is wrong with a value's shape: where, as a JSON path, and for a cycle, what it points back to. */
export type ShapeIssue =
  | { readonly kind: 'depth'; readonly path: string; readonly depth: number }
  | { readonly kind: 'cycle'; readonly path: string; readonly target: string };

/** A container being walked: its children's keys (null for an array), where it is, and how deep. */
interface Frame {
  readonly node: object;
  readonly keys: readonly string[] | null;
  readonly length: number;
  next: number;
  readonly depth: number;
  readonly parent: Frame | null;
  /** The path segment from the parent to this container (`.a`, `[0]`, `["a b"]`), or '' for the root. */
  readonly segment: string;
}

/**
 * Whether a value is walked into: arrays and objects, as `JSON.stringify` walks them. Objects it writes
 * as something else are leaves: a `Date` (its `toJSON`), and typed arrays, `ArrayBuffer`s and `DataView`s,
 * `Map`s and `Set`s, whose content is flat or is not written at all.
 */
function isContainer(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  return !(
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    value instanceof Map ||
    value instanceof Set
  );
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Limits up to this are checked first by `within`, whose recursion stays far inside the stack. */
const SHALLOW = 1_024;

/** Whether `value` (a container at level 1) nests at most `levels` levels; recursion at most `levels` deep. */
function within(value: object, levels: number): boolean {
  if (levels < 1) return false;
  if (Array.isArray(value)) {
    // Indexed, not for-of: no iterator per array, and an array's own Symbol.iterator is never called.
    for (let i = 0; i < value.length; i += 1) {
      const item: unknown = value[i];
      if (isContainer(item) && !within(item, levels - 1)) return false;
    }
    return true;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = (value as Record<string, unknown>)[key];
    if (isContainer(item) && !within(item, levels - 1)) return false;
  }
  return true;
}

/** The step of a JSON path to an array's item (`[0]`) or an object's key (`.name`, `["a b"]`). */
export function pathSegment(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function pathOf(frame: Frame | null, last = ''): string {
  const segments = [last];
  for (let at = frame; at !== null; at = at.parent) segments.push(at.segment);
  return `$${segments.reverse().join('')}`;
}

/** A long path shortened to its start and end, so a message stays readable at any depth. */
function shorten(path: string): string {
  return path.length <= 80 ? path : `${path.slice(0, 40)}…${path.slice(-30)}`;
}

/**
 * The first problem with a value's shape, in document order, or null: a container nested deeper than
 * `maxDepth` levels (the value itself, if it is an array or object, is level 1), or a reference back to
 * a container it is inside (a cycle). The same object side by side twice is not a cycle.
 */
export function shapeIssue(value: unknown, maxDepth: number = MAX_DEPTH): ShapeIssue | null {
  if (!isContainer(value)) return null;
  // The common case, a value well within the limit, is told by a walk that allocates nothing (it checks
  // every handoff, result and tool call of a run); only a value that fails it is walked again to say
  // where. A cycle never ends, so it fails the bounded walk too.
  if (maxDepth <= SHALLOW && within(value, maxDepth)) return null;
  if (maxDepth < 1) return { kind: 'depth', path: '$', depth: 1 };
  const open = new Map<object, Frame>();
  const frames: Frame[] = [];
  const push = (node: object, depth: number, parent: Frame | null, segment: string) => {
    const keys = Array.isArray(node) ? null : Object.keys(node);
    const frame: Frame = {
      node,
      keys,
      length: keys?.length ?? (node as unknown[]).length,
      next: 0,
      depth,
      parent,
      segment,
    };
    open.set(node, frame);
    frames.push(frame);
  };
  push(value, 1, null, '');
  for (let top = frames.at(-1); top !== undefined; top = frames.at(-1)) {
    if (top.next === top.length) {
      frames.pop();
      open.delete(top.node);
      continue;
    }
    const index = top.next;
    top.next += 1;
    const key = top.keys?.[index];
    const child =
      key === undefined ? (top.node as unknown[])[index] : (top.node as Record<string, unknown>)[key];
    if (!isContainer(child)) continue;
    const segment = pathSegment(key ?? index);
    const target = open.get(child);
    if (target) return { kind: 'cycle', path: pathOf(top, segment), target: pathOf(target) };
    if (top.depth + 1 > maxDepth) {
      return { kind: 'depth', path: pathOf(top, segment), depth: top.depth + 1 };
    }
    push(child, top.depth + 1, top, segment);
  }
  return null;
}

/**
 * What is wrong with a value's shape, said for a person to read after "it is", or null when nothing is:
 * "nested deeper than 256 levels at $.a.b…" or "cyclic at $.x, which refers back to $".
 */
export function shapeProblem(value: unknown, maxDepth: number = MAX_DEPTH): string | null {
  const issue = shapeIssue(value, maxDepth);
  if (issue === null) return null;
  if (issue.kind === 'cycle') {
    return `cyclic at ${shorten(issue.path)}, which refers back to ${shorten(issue.target)}`;
  }
  return `nested deeper than ${maxDepth} level${maxDepth === 1 ? '' : 's'} at ${shorten(issue.path)}`;
}

/** Whether a value nests deeper than `max` levels; a cyclic value nests without end, so it does too. */
export function exceedsDepth(value: unknown, max: number): boolean {
  return shapeIssue(value, max) !== null;
}

/** Whether a value refers back to a container it is inside, at any depth. */
export function isCyclic(value: unknown): boolean {
  return shapeIssue(value, Number.POSITIVE_INFINITY)?.kind === 'cycle';
}
