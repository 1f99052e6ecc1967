import { BatonError, type BatonErrorOptions, type ErrorCode, isBatonError } from '../../contracts/errors.js';

/**
 * Exit codes of `baton` when it is misused, after the BSD `sysexits.h` convention, so a script can tell
 * a misuse from a run's outcome (`baton run` exits 0 done, 1 failed, 2 escalated, 3 cancelled; `baton
 * check` 1 when a flow has errors). Every misuse prints one line, `baton: <code>: <message>`, to stderr.
 */
export const MISUSE_EXIT = {
  /** The command line is wrong: an unknown command or flag, a missing or extra argument, a bad `--model`. */
  usage: 64,
  /** A file it names is not what it must be: `--input` that is not JSON, a module that throws on import or exports no flow. */
  data: 65,
  /** A file it names does not exist, cannot be read, or is a folder where a file is needed. */
  noInput: 66,
  /** A package the command needs is not installed (`missing_dependency`). */
  unavailable: 69,
  /** A defect in Baton: an error it did not expect, printed as `internal_error`. Please report it. */
  software: 70,
} as const;

/** A kind of misuse, named as in `MISUSE_EXIT`. */
export type MisuseKind = keyof typeof MISUSE_EXIT;

/** A `BatonError` the CLI raises for a misuse, with the exit code it ends with. */
export class CliError extends BatonError {
  readonly exitCode: number;

  constructor(kind: MisuseKind, code: ErrorCode, message: string, options: BatonErrorOptions = {}) {
    super(code, message, options);
    this.exitCode = MISUSE_EXIT[kind];
  }
}

/** The exit code of an error that ended the CLI: its own, or the one its code stands for. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (!isBatonError(error)) return MISUSE_EXIT.software;
  switch (error.code) {
    case 'invalid_argument':
      return MISUSE_EXIT.usage;
    case 'invalid_flow_module':
    case 'invalid_flow':
    case 'invalid_agent':
    case 'invalid_schema':
      return MISUSE_EXIT.data;
    case 'missing_dependency':
      return MISUSE_EXIT.unavailable;
    default:
      return MISUSE_EXIT.software;
  }
}

/** The one line a misuse prints: `baton: <code>: <message>`, never a stack trace. */
export function misuseLine(error: unknown): string {
  if (isBatonError(error)) return `baton: ${error.code}: ${error.message}`;
  const message = error instanceof Error ? error.message : String(error);
  return `baton: internal_error: ${message} (this is a defect in Baton: please report it)`;
}
