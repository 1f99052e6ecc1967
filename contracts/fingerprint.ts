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

class Hasher {
  h1 = 0xdeadbeef;
  h2 = 0x41c6ce57;

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

  /** A string with its length first, so that no two sequences of strings feed the same characters. */
  string(text: string): void {
    this.text(`"${text.length}:`);
    this.text(text);
  }

  value(value: unknown): void {
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'string') this.string(value);
      else this.text(`${(typeof value).charAt(0)}${String(value)};`);
      return;
    }
    if (Array.isArray(value)) {
      this.text('[');
      for (const item of value) this.value(item === undefined ? null : item);
      this.text(']');
      return;
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    this.text('{');
    for (const key of keys) {
      const item = record[key];
      if (item === undefined || typeof item === 'function') continue; // as JSON.stringify drops them
      this.string(key);
      this.value(item);
    }
    this.text('}');
  }

  digest(): number {
    let { h1, h2 } = this;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return 4294967296 * (2097151 & h2) + (h1 >>> 0);
  }
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
