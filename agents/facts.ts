/**
 * The facts of a run an attempt works with: typed flow state that tools update and later agents read
 * (a passenger's name, the seat booked), never a transcript. The flow declares their schema; an agent
 * declares the facts its model sees, a tool the facts it may write.
 */
export interface AttemptFacts {
  /** The run's facts as the attempt starts: plain JSON. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Checks a value for one fact against the flow's facts schema: the violations in words, or null. */
  readonly check: (name: string, value: unknown) => string | null;
}

/** The writes of one tool call: fact name to its new value. */
export type FactWrites = Readonly<Record<string, unknown>>;

/** The facts of `values` an agent declared it reads, or undefined when it declared none. */
export function factsFor(
  names: readonly string[],
  values: Readonly<Record<string, unknown>> | null,
): Readonly<Record<string, unknown>> | undefined {
  if (names.length === 0 || values === null) return undefined;
  const seen: Record<string, unknown> = {};
  for (const name of names) seen[name] = values[name] ?? null;
  return seen;
}
