/**
 * Where an attempt keeps what it finished, for a run kept in a store. Before its first call an attempt
 * waits until the transition that started it is committed; each model reply and each tool result it gets
 * is journaled under its run, step and key before the attempt goes on, so a run resumed after a crash
 * replays them instead of paying for them again. Without a store there is no journal and none of this runs.
 */
export interface AttemptJournal {
  /** Resolves once the transition that started `step` is committed: nothing is paid for before it. */
  ready(step: number): Promise<void>;
  /** What was journaled for `step` under `key` (`model:<turn>`, `tool:<callId>`), or undefined. */
  recall(step: number, key: string): unknown;
  /** Journals a model reply or tool result; resolves once it is committed. */
  record(step: number, key: string, value: unknown): Promise<void>;
}
