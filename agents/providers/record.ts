import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BatonError, describeThrown, isBatonError } from '../../contracts/errors.js';
import type { Model, ModelReply, ModelRequest, Price } from '../model.js';
import { redactSecrets } from './provider-support.js';
import type { RecordedRequest } from './scripted.js';

/**
 * The cassette format version `record` writes and `replay` reads (1). `replay` throws `invalid_argument`
 * for a cassette of another version: re-record it.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { CASSETTE_VERSION } from 'baton-flow';
 *
 * const { version } = JSON.parse(readFileSync('cassettes/t-1042.json', 'utf8')) as { version: unknown };
 * if (version !== CASSETTE_VERSION) console.log(`Re-record: replay reads version ${CASSETTE_VERSION} only.`);
 * ```
 */
export const CASSETTE_VERSION = 1;

/** A call that failed, as recorded: `replay` throws a `BatonError` with the same code. */
export interface CassetteError {
  /** The `BatonError`'s code, or `provider_error` for any other error (and on replay, for an unknown code). */
  readonly code: string;
  /** The error's message, with secrets redacted. */
  readonly message: string;
  readonly retryable: boolean;
}

/** One recorded call: the request (without its signal) and either the reply or the error. */
export type CassetteCall =
  | { readonly request: RecordedRequest; readonly reply: ModelReply }
  | { readonly request: RecordedRequest; readonly error: CassetteError };

/** A recording of a model's calls, in order, with secrets redacted: the JSON file `record` writes. */
export interface Cassette {
  /** The format version: `CASSETTE_VERSION`. */
  readonly version: typeof CASSETTE_VERSION;
  /** The recorded model's id and price, so a replay meters cost the same way. */
  readonly model: { readonly id: string; readonly price?: Price };
  /** Every call, in the order it was made. */
  readonly calls: readonly CassetteCall[];
}

/** Options of `record` and `replay`. */
export interface CassetteOptions {
  /**
   * Exact strings to redact (replace by `[REDACTED]`), besides anything that looks like an API key or
   * bearer token. Give `replay` the same list, so that live requests are compared as they were recorded.
   */
  readonly redact?: readonly string[];
}

/** A model that records its calls: a `Model` with the id and price of the one it wraps, plus its calls. */
export interface RecordingModel extends Model {
  /** The calls recorded so far, in order, as the cassette holds them. */
  readonly calls: readonly CassetteCall[];
}

/**
 * Wraps a model so that every call's request (without the signal) and reply, or error, is written to a
 * JSON cassette at `file`, with API-key-looking strings redacted. The cassette starts empty and is
 * rewritten whole (atomically) after each call, before the call returns, so it is complete whenever the
 * flow stops. A write that fails throws `cassette_write_failed` from that call (naming the file and the
 * operating system's error); the next call writes the whole cassette again, so once the path is
 * writable the cassette holds every call. A call that fails is recorded too, and its error rethrown.
 *
 * @example
 * ```ts
 * import { type AnyFlow, openai, record, runFlow } from 'baton-flow';
 *
 * declare const support: AnyFlow;
 *
 * // Every call of this run goes to the cassette; replay('cassettes/t-1042.json') serves them back offline.
 * const model = record(openai('gpt-5-mini'), 'cassettes/t-1042.json', { redact: ['acme-internal'] });
 * await runFlow(support, { id: 'T-1042', subject: 'Charged twice' }, { models: model });
 * console.log(`${model.calls.length} calls recorded`);
 * ```
 */
export function record(model: Model, file: string, options: CassetteOptions = {}): RecordingModel {
  const secrets = options.redact ?? [];
  const calls: CassetteCall[] = [];
  // Writes run one after another; the chain goes on after a failed write, which only its call reports.
  let writes: Promise<unknown> = Promise.resolve();

  const cassette = (): Cassette => ({
    version: CASSETTE_VERSION,
    model: { id: model.id, ...(model.price ? { price: model.price } : {}) },
    calls,
  });

  const save = (call: CassetteCall, failure?: unknown): Promise<void> => {
    calls.push(redactSecrets(JSON.parse(JSON.stringify(call)) as CassetteCall, secrets));
    const text = `${JSON.stringify(cassette(), null, 2)}\n`;
    const write = writes.then(() => writeAtomically(file, text, failure));
    writes = write.catch(() => undefined);
    return write;
  };

  return {
    id: model.id,
    ...(model.price ? { price: model.price } : {}),
    ...(model.minOutputTokens === undefined ? {} : { minOutputTokens: model.minOutputTokens }),
    get calls() {
      return calls;
    },
    async call(request: ModelRequest) {
      const { signal: _signal, ...recorded } = request;
      let reply: ModelReply;
      try {
        reply = await model.call(request);
      } catch (error) {
        await save({ request: recorded, error: asCassetteError(error) }, error);
        throw error;
      }
      await save({ request: recorded, reply });
      return reply;
    },
  };
}

function asCassetteError(error: unknown): CassetteError {
  if (isBatonError(error)) return { code: error.code, message: error.message, retryable: error.retryable };
  return {
    code: 'provider_error',
    message: describeThrown(error),
    retryable: false,
  };
}

/**
 * Writes the cassette through a temporary file and a rename, so a reader never sees half of it. Throws
 * `cassette_write_failed` with the operating system's error; `failure` is the call's own error, if it
 * failed, kept in the details so neither is lost.
 */
async function writeAtomically(file: string, text: string, failure: unknown): Promise<void> {
  const temporary = `${file}.partial`;
  let written = false;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(temporary, text, 'utf8');
    written = true;
    await rename(temporary, file);
  } catch (cause) {
    if (written) await rm(temporary, { force: true }).catch(() => undefined);
    const os = cause as Partial<NodeJS.ErrnoException> | undefined;
    const reason = describeThrown(cause);
    throw new BatonError(
      'cassette_write_failed',
      `Cannot write cassette "${file}": ${reason}. Record to a file path (not a folder) in a folder you can write; ` +
        'the next call writes the whole cassette again.',
      {
        cause,
        details: {
          file,
          ...(typeof os?.code === 'string' ? { os: os.code } : {}),
          ...(typeof os?.syscall === 'string' ? { syscall: os.syscall } : {}),
          ...(failure === undefined ? {} : { callError: asCassetteError(failure) }),
        },
      },
    );
  }
}
