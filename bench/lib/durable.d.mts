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
  /** Paired rounds of the sequential ratios. */
  readonly pairs: number;
}

/** What one paired round measured: committed transitions per second by row id (a row that failed is left out). */
export type PairedRound = Readonly<Record<string, number>>;

/** A ratio over the paired rounds that measured both rows. */
export interface PairedRatio {
  readonly median: number;
  readonly low: number;
  readonly high: number;
  readonly rounds: number;
}

/** The durable rows as measured, to be written by `durableSection`. */
export interface DurableResults {
  readonly counts: DurableCounts;
  readonly results: Map<string, unknown>;
  readonly pairs: readonly PairedRound[];
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
export function pairedRatio(pairs: readonly PairedRound[], of: string, to: string): PairedRatio | null;
