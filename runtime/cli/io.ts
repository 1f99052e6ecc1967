/** Where the CLI writes and what it knows of its process: passed in, so tests run it in-process. */
export interface CliIo {
  readonly cwd: string;
  /** The process environment, read only here in the runtime (e.g. BATON_MODEL). */
  readonly env: Readonly<Record<string, string | undefined>>;
  out(line: string): void;
  err(line: string): void;
  /** Registers what to do on Ctrl-C. */
  onInterrupt(handler: () => void): void;
}
