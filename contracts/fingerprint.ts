/**
 * Fingerprints of JSON data for loop detection: equal data (in any key order) gives equal fingerprints.
 * The data is walked once and fed straight into two independent 32-bit multiplicative hashes
 * (cyrb53-style mixing) folded into one 53-bit integer: no canonical copy or string of the payload is
 * built, and a number is the smallest thing a flow context can keep per input. Loop detection needs
 * equality, not secrecy, so a cryptographic hash would only add cost.
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
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const ZERO = 48;

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

  /** The decimal digits of a non-negative integer. */
  digits(n: number): void {
    if (n >= 10) this.digits(Math.floor(n / 10));
    this.char(ZERO + (n % 10));
  }

  /** A string with its length first (`"<length>:<text>`), so no two sequences of strings feed the same characters. */
  string(text: string): void {
    this.char(QUOTE);
    this.digits(text.length);
    this.char(COLON);
    this.text(text);
  }

  /**
   * Feeds a JSON value. Everything is fed character by character, with no string built for it, and an
   * object's keys are visited in sorted order without a sorted copy, so equal data in any key order
   * feeds the same characters.
   */
  value(value: unknown): void {
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'string') {
        this.string(value);
      } else {
        this.char((typeof value).charCodeAt(0));
        this.text(String(value));
        this.char(SEMICOLON);
      }
      return;
    }
    if (Array.isArray(value)) {
      this.char(OPEN_ARRAY);
      for (const item of value) this.value(item === undefined ? null : item);
      this.char(CLOSE_ARRAY);
      return;
    }
    const record = value as Record<string, unknown>;
    const keys = sortInPlace(Object.keys(record));
    this.char(OPEN_OBJECT);
    for (const key of keys) {
      const item = record[key];
      if (item === undefined || typeof item === 'function') continue; // as JSON.stringify drops them
      this.string(key);
      this.value(item);
    }
    this.char(CLOSE_OBJECT);
  }

  digest(): number {
    let { h1, h2 } = this;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return 4294967296 * (2097151 & h2) + (h1 >>> 0);
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
 * A short, stable fingerprint of JSON data: equal data (in any key order) gives equal fingerprints. A
 * `scope` (an agent's name, say) is hashed first, so equal data in different scopes differ.
 */
export function fingerprint(value: unknown, scope?: string): number {
  const hasher = new Hasher();
  if (scope !== undefined) hasher.string(scope);
  hasher.value(value);
  return hasher.digest();
}
