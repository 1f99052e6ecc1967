import { createHash } from 'node:crypto';

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

/** A short, stable fingerprint of JSON data: equal data (in any key order) gives equal fingerprints. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 24);
}
