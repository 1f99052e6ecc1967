import {
  BatonError,
  type BatonErrorOptions,
  describeThrown,
  type ErrorCode,
  isBatonError,
} from '../../contracts/errors.js';

/**
 * Exit codes of `baton` when it is misused, after the BSD `sysexits.h` convention, so a script can tell
 * a misuse from a run's outcome (`baton run` and `baton resume` exit 0 done, 1 failed, 2 escalated, 3
 * cancelled; `baton answer --enqueue` 0 once it has handed the run to the workers; `baton check` 1 when a
 * flow has errors). Every misuse prints one line, `baton: <code>: <message>`, to stderr.
 */
export const MISUSE_EXIT = {
  /** The command line is wrong: an unknown command or flag, a missing or extra argument, a bad `--model`. */
  usage: 64,
  /**
   * A file or run it names is not what it must be: `--input` that is not JSON, a module that throws on
   * import or exports no flow, a stored run that has ended (`run_finished`) or was stored by another
   * version of the flow (`snapshot_incompatible`).
   */
  data: 65,
  /**
   * A file it names does not exist, cannot be read, or is a folder where a file is needed; or the run it
   * names is not in the run database (`run_not_found`).
   */
  noInput: 66,
  /** A package the command needs is not installed (`missing_dependency`). */
  unavailable: 69,
  /** A defect in Baton: an error it did not expect, printed as `internal_error`. Please report it. */
  software: 70,
  /** The run database failed (`store_error`): a corrupt or foreign file, a newer schema, a full or read-only disk. */
  io: 74,
  /**
   * Another process is advancing the run (`lease_held`), or took it over during this one
   * (`store_conflict`): try again once its lease has expired, or let that process finish.
   */
  tempFail: 75,
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
    case 'run_finished':
    case 'snapshot_incompatible':
    case 'invalid_answer':
    case 'not_waiting':
    case 'already_answered':
    case 'run_waiting':
      return MISUSE_EXIT.data;
    case 'run_not_found':
      return MISUSE_EXIT.noInput;
    case 'missing_dependency':
      return MISUSE_EXIT.unavailable;
    case 'store_error':
      return MISUSE_EXIT.io;
    case 'lease_held':
    case 'store_conflict':
      return MISUSE_EXIT.tempFail;
    default:
      return MISUSE_EXIT.software;
  }
}

/** The one line a misuse prints: `baton: <code>: <message>`, never a stack trace. */
export function misuseLine(error: unknown): string {
  if (isBatonError(error)) return `baton: ${error.code}: ${error.message}`;
  const message = describeThrown(error);
  return `baton: internal_error: ${message} (this is a defect in Baton: please report it)`;
}
