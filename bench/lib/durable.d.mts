// Types of durable.mjs, for bench/run.ts.

/** What a child process measured, or why it failed. */
export type ChildRun = (nodeArgs: string[], timeoutMs: number) => unknown;

/** The counts the durable rows run with. */
export interface DurableCounts {
  readonly warm: number;
  readonly iters: number;
  readonly maxMs: number;
  readonly inFlight: number;
  readonly rounds: number;
  readonly parked: number;
  readonly passes: number;
}

/** The durable rows as measured, to be written by `durableSection`. */
export interface DurableResults {
  readonly counts: DurableCounts;
  readonly results: Map<string, unknown>;
}

export const DURABLE_ROWS: readonly string[];
export function durableCounts(quick: boolean): DurableCounts;
export function measureDurable(options: {
  child: ChildRun;
  loader: string[];
  quick: boolean;
  log: (line: string) => void;
}): Promise<DurableResults>;
export function durableSection(durable: DurableResults): string[];
