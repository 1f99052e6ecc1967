import { CliError } from './exit-codes.js';
import type { CliIo } from './io.js';
import { type StoreFlags, withRunDatabase } from './open-store.js';

/** Options of `baton gc`. */
export interface GcCommandOptions extends StoreFlags {
  /** How old a finished run must be to go, as typed: `30d`, `12h`, `90m`. */
  readonly olderThan?: string | undefined;
}

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;
const FORMS = 'a whole number and a unit: d (days), h (hours) or m (minutes), e.g. 30d, 12h or 90m';

/** Reads a duration such as `30d`, `12h` or `90m` into milliseconds; `invalid_argument` naming the forms otherwise. */
export function readDuration(value: string): number {
  const match = /^(\d+)([dhm])$/.exec(value.trim());
  const amount = match ? Number(match[1]) : 0;
  if (!match || !Number.isSafeInteger(amount) || amount < 1)
    throw new CliError(
      'usage',
      'invalid_argument',
      `--older-than "${value}" is not a duration. Pass ${FORMS}.`,
      { details: { olderThan: value } },
    );
  const ms = amount * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  // A date goes back 100,000,000 days before 1970: an age beyond that names no time to delete before.
  if (ms > MAX_AGE_MS)
    throw new CliError(
      'usage',
      'invalid_argument',
      `--older-than "${value}" goes back further than a date can: pass at most 100000000d (or the same in h or m).`,
      { details: { olderThan: value } },
    );
  return ms;
}

/** The longest age whose cutoff is still a date: `new Date(x)` is valid for |x| ≤ 8.64e15 ms. */
const MAX_AGE_MS = 8.64e15;

/** `baton gc --older-than <duration>`: deletes the finished runs last updated before then, and says how many. */
export async function gcCommand(options: GcCommandOptions, io: CliIo): Promise<number> {
  if (options.olderThan === undefined)
    throw new CliError(
      'usage',
      'invalid_argument',
      `baton gc needs --older-than <duration>: ${FORMS}. Run \`baton gc --help\` for its usage.`,
    );
  const age = readDuration(options.olderThan);
  return await withRunDatabase(options, io, async ({ store, shown }) => {
    const before = Date.now() - age;
    const deleted = await store.deleteFinished(before);
    io.out(
      `Deleted ${deleted} finished run${deleted === 1 ? '' : 's'} last updated before ${new Date(before).toISOString()} from ${shown}.`,
    );
    return 0;
  });
}
