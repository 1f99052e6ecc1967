/** Where the CLI writes and what it knows of its process: passed in, so tests run it in-process. */
export interface CliIo {
  readonly cwd: string;
  /** The process environment, read only here in the runtime (e.g. BATON_MODEL). */
  readonly env: Readonly<Record<string, string | undefined>>;
  out(line: string): void;
  err(line: string): void;
  /** Registers what to do on Ctrl-C. */
  onInterrupt(handler: () => void): void;
  /** Shows `prompt` and reads one line typed (or piped) in, or null at the end of the input (`baton chat`). */
  readonly readLine?: ((prompt: string) => Promise<string | null>) | undefined;
  /** The terminal stdout goes to, when it is one: `baton run` draws its live progress there. */
  readonly terminal?: CliTerminal | undefined;
}

/** A terminal the CLI draws on: text written as it is (no newline added), and its width. */
export interface CliTerminal {
  write(text: string): void;
  /** Its width in columns, when known: a live line is cut to fit. */
  columns(): number | undefined;
}
