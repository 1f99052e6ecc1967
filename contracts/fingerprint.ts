/**
 * Fingerprints of data for loop detection: equal data (in any key order) gives equal fingerprints.
 * The data is walked once and fed straight into two independent 32-bit multiplicative hashes
 * (cyrb53-style mixing) folded into one 53-bit integer: no canonical copy or string of the payload is
 * built, and a number is the smallest thing a flow context can keep per input. Loop detection needs
 * equality, not secrecy, so a cryptographic hash would only add cost.
 *
 * The walk keeps its own stack instead of recursing, so data nested 100,000 levels deep is fingerprinted
 * like any other. Plain JSON data feeds exactly the characters it always has (run contexts keep these
 * fingerprints). Beyond JSON, data a code step may return is fingerprinted by what it holds, each kind
 * under its own tag, so it never looks like `{}` or like another kind:
 * - a `Date` by its time value, a `RegExp` by its source and flags;
 * - a typed array, `DataView` or `ArrayBuffer` by its bytes and its type (`Uint8Array [1]` is not
 *   `Int8Array [1]`);
 * - a `Map` by its entries and a `Set` by its members, in any order: the entries' fingerprints are
 *   sorted. Insertion order is observable in JavaScript, but for loop detection two maps or sets with
 *   the same content are the same input, as two objects with the same keys in another order are;
 * - a reference back to an object that is being walked (a cycle) as a marker holding how many levels up
 *   it points, so a cyclic value ends, and equal cycles give equal fingerprints.
 * Objects of other classes are walked by their own enumerable keys, as `JSON.stringify` walks them.
 */

/** Serialises JSON data with object keys sorted, so equal data always gives the same text. */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
      return sorted;
    }) ?? 'undefined'
  );
}

// The characters the hasher feeds between values (as UTF-16 code units).
const QUOTE = 34;
const COLON = 58;
const SEMICOLON = 59;
const OPEN_TAG = 60; // '<': starts a value JSON has no form for; no JSON value starts with it
const CLOSE_TAG = 62;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const CARET = 94;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;

class Hasher {
  h1 = 0xdeadbeef;
  h2 = 0x41c6ce57;

  char(c: number): void {
    this.h1 = Math.imul(this.h1 ^ c, 2654435761);
    this.h2 = Math.imul(this.h2 ^ c, 1597334677);
  }

  text(text: string): void {
    let { h1, h2 } = this;
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  /** The decimal digits of a non-negative safe integer. */
  digits(n: number): void {
    this.text(String(n));
  }

  /** A string with its length first (`"<length>:<text>`), so no two sequences of strings feed the same characters. */
  string(text: string): void {
    this.char(QUOTE);
    this.digits(text.length);
    this.char(COLON);
    this.text(text);
  }

  /** A value that is not an object: a string, or its type's initial, its text and `;`. */
  leaf(value: unknown): void {
    if (typeof value === 'string') {
      this.string(value);
    } else {
      this.char((typeof value).charCodeAt(0));
      this.text(String(value));
      this.char(SEMICOLON);
    }
  }

  /** A tagged value: `<` its tag, its content as a string, `>`. */
  tagged(tag: string, content: string): void {
    this.char(OPEN_TAG);
    this.text(tag);
    this.string(content);
    this.char(CLOSE_TAG);
  }

  /** Bytes under a tag: `<` its tag, `"` the byte count, `:`, the bytes, `>`. */
  bytes(tag: string, bytes: Uint8Array): void {
    this.char(OPEN_TAG);
    this.text(tag);
    this.char(QUOTE);
    this.digits(bytes.length);
    this.char(COLON);
    let { h1, h2 } = this;
    for (const c of bytes) {
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    this.h1 = h1;
    this.h2 = h2;
    this.char(CLOSE_TAG);
  }

  digest(): number {
    let { h1, h2 } = this;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return 4294967296 * (2097151 & h2) + (h1 >>> 0);
  }
}

/** A container being walked: what is left of it, and the object it stands for (for cycle markers). */
type Frame =
  | { readonly kind: 'array'; readonly node: object; readonly items: readonly unknown[]; next: number }
  | {
      readonly kind: 'object';
      readonly node: object;
      readonly record: Readonly<Record<string, unknown>>;
      readonly keys: readonly string[];
      next: number;
    }
  | {
      /** A Map's entries or a Set's members: each is hashed alone, and the sorted fingerprints are fed. */
      readonly kind: 'unordered';
      readonly node: object;
      readonly entries: readonly unknown[];
      next: number;
      /** The hasher to feed the sorted fingerprints to; the walk feeds a fresh one per entry. */
      readonly parent: Hasher;
      readonly prints: number[];
      /** Whether an entry is being hashed into the current hasher. */
      pending: boolean;
    };

/**
 * Walks a value with an explicit stack. Each container is a frame; a frame's `next` says where it is, so
 * the walk resumes a container after its child is done, as recursion would, without using the call stack.
 */
class Walk {
  hasher = new Hasher();
  private readonly frames: Frame[] = [];
  /** The objects being walked (the frames' nodes), by the depth of their frame. */
  private readonly open = new Map<object, number>();

  run(root: unknown): void {
    this.enter(root);
    for (let top = this.frames.at(-1); top !== undefined; top = this.frames.at(-1)) this.step(top);
  }

  /** Feeds a value: a leaf at once, a container by opening its frame. */
  private enter(value: unknown): void {
    if (value === null || typeof value !== 'object') {
      this.hasher.leaf(value);
      return;
    }
    const depth = this.open.get(value);
    if (depth !== undefined) {
      // A cycle: mark how many levels up the value points, which depends only on the value's shape.
      this.hasher.char(OPEN_TAG);
      this.hasher.char(CARET);
      this.hasher.digits(this.frames.length - depth);
      this.hasher.char(CLOSE_TAG);
      return;
    }
    if (Array.isArray(value)) {
      this.hasher.char(OPEN_ARRAY);
      this.push({ kind: 'array', node: value, items: value, next: 0 });
    } else if (value instanceof Date) {
      this.hasher.tagged('Date', String(value.getTime()));
    } else if (value instanceof RegExp) {
      this.hasher.tagged('RegExp', String(value));
    } else if (ArrayBuffer.isView(value)) {
      const tag = Object.prototype.toString.call(value).slice(8, -1);
      this.hasher.bytes(tag, new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    } else if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) {
      this.hasher.bytes(
        value instanceof ArrayBuffer ? 'ArrayBuffer' : 'SharedArrayBuffer',
        new Uint8Array(value),
      );
    } else if (value instanceof Map || value instanceof Set) {
      this.hasher.char(OPEN_TAG);
      this.hasher.text(value instanceof Map ? 'Map' : 'Set');
      this.push({
        kind: 'unordered',
        node: value,
        entries: [...value],
        next: 0,
        parent: this.hasher,
        prints: [],
        pending: false,
      });
    } else {
      const record = value as Record<string, unknown>;
      this.hasher.char(OPEN_OBJECT);
      this.push({ kind: 'object', node: value, record, keys: sortInPlace(Object.keys(record)), next: 0 });
    }
  }

  private push(frame: Frame): void {
    this.open.set(frame.node, this.frames.length);
    this.frames.push(frame);
  }

  private close(frame: Frame, c: number): void {
    this.hasher.char(c);
    this.frames.pop();
    this.open.delete(frame.node);
  }

  /** Feeds the next child of the frame on top, or closes it. */
  private step(frame: Frame): void {
    if (frame.kind === 'array') {
      if (frame.next === frame.items.length) {
        this.close(frame, CLOSE_ARRAY);
      } else {
        const item = frame.items[frame.next];
        frame.next += 1;
        this.enter(item === undefined ? null : item);
      }
    } else if (frame.kind === 'object') {
      while (frame.next < frame.keys.length) {
        const key = frame.keys[frame.next]!;
        frame.next += 1;
        const item = frame.record[key];
        if (item === undefined || typeof item === 'function') continue; // as JSON.stringify drops them
        this.hasher.string(key);
        this.enter(item);
        return;
      }
      this.close(frame, CLOSE_OBJECT);
    } else {
      this.stepUnordered(frame);
    }
  }

  /** Hashes a Map's or Set's next entry on its own hasher, or feeds the sorted fingerprints and closes it. */
  private stepUnordered(frame: Extract<Frame, { kind: 'unordered' }>): void {
    if (frame.pending) {
      frame.prints.push(this.hasher.digest());
      this.hasher = frame.parent;
      frame.pending = false;
    }
    if (frame.next < frame.entries.length) {
      const entry = frame.entries[frame.next];
      frame.next += 1;
      this.hasher = new Hasher();
      frame.pending = true;
      this.enter(entry);
      return;
    }
    frame.prints.sort((a, b) => a - b);
    for (const print of frame.prints) {
      this.hasher.digits(print);
      this.hasher.char(SEMICOLON);
    }
    this.close(frame, CLOSE_TAG);
  }
}

/**
 * Sorts an array of strings in place, in the order of `Array.prototype.sort` (UTF-16 code units).
 * Payloads have few keys, and insertion sort needs no work array, where the built-in sort copies one.
 */
function sortInPlace(keys: string[]): string[] {
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i += 1) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j -= 1;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/**
 * A short, stable fingerprint of data: equal data (in any key order) gives equal fingerprints, at any
 * depth and for cyclic data too. A `scope` (an agent's name, say) is hashed first, so equal data in
 * different scopes differ.
 */
export function fingerprint(value: unknown, scope?: string): number {
  const walk = new Walk();
  if (scope !== undefined) walk.hasher.string(scope);
  walk.run(value);
  return walk.hasher.digest();
}
