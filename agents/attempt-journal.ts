/**
 * Where an attempt keeps what it finished, for a run kept in a store. Before its first call an attempt
 * waits until the transition that started it is committed; each model reply and each tool result it gets
 * is journaled under its run, step and key before the attempt goes on, so a run resumed after a crash
 * replays them instead of paying for them again. Without a store there is no journal and none of this runs.
 */
export interface AttemptJournal {
  /**
   * Resolves once the transition that started `step`, and what the attempt recorded since, are committed:
   * the attempt awaits it before each model call and each tool run, so nothing is paid for before.
   */
  ready(step: number): Promise<void>;
  /** What was journaled for `step` under `key` (`model:<turn>`, `tool:<callId>`), or undefined. */
  recall(step: number, key: string): unknown;
  /**
   * Keeps a model reply or tool result for the journal. It is committed before the attempt's next model
   * call or tool run; when the attempt decides instead, its step is over and the entry is not needed.
   */
  record(step: number, key: string, value: unknown): void;
}
