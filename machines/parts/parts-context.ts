/** The context a machine built from Baton's parts keeps: the parts' guards and actions read and write it. */
export interface PartsContext {
  /** The flow's input, as the done contract sees it. */
  readonly input: unknown;
  /** The current agent's input: the flow input at first, then each accepted handoff payload. */
  readonly payload: unknown;
  /** The counters bounded transitions check and count. Only the parts' actions change them. */
  readonly counters: Readonly<Record<string, number>>;
  /** The result a finish transition accepted, or null. */
  readonly output: unknown;
}

/** The first context of a machine built from parts: the input is the first agent's payload, no counts yet. */
export function partsContext(input: unknown): PartsContext {
  return { input, payload: input, counters: {}, output: null };
}
