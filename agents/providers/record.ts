import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isBatonError } from '../../contracts/errors.js';
import type { Model, ModelReply, ModelRequest, Price } from '../model.js';
import { redactSecrets } from './provider-support.js';
import type { RecordedRequest } from './scripted.js';

/** The cassette format version `record` writes and `replay` reads. */
export const CASSETTE_VERSION = 1;

/** A call that failed, as recorded: `replay` throws a `BatonError` with the same code. */
export interface CassetteError {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

/** One recorded call: the request (without its signal) and either the reply or the error. */
export type CassetteCall =
  | { readonly request: RecordedRequest; readonly reply: ModelReply }
  | { readonly request: RecordedRequest; readonly error: CassetteError };

/** A recording of a model's calls, in order, with secrets redacted. */
export interface Cassette {
  readonly version: typeof CASSETTE_VERSION;
  /** The recorded model's id and price, so a replay meters cost the same way. */
  readonly model: { readonly id: string; readonly price?: Price };
  readonly calls: readonly CassetteCall[];
}

/** Options of `record` and `replay`. */
export interface CassetteOptions {
  /** Exact strings to redact besides anything that looks like an API key or bearer token. */
  readonly redact?: readonly string[];
}

/** A model that records its calls: a `Model`, plus the calls recorded so far. */
export interface RecordingModel extends Model {
  readonly calls: readonly CassetteCall[];
}

/**
 * Wraps a model so that every call's request (without the signal) and reply, or error, is written to a
 * JSON cassette at `file`, with API-key-looking strings redacted. The cassette starts empty and is
 * rewritten whole (atomically) after each call, before the call returns, so it is complete whenever the
 * flow stops.
 */
export function record(model: Model, file: string, options: CassetteOptions = {}): RecordingModel {
  const secrets = options.redact ?? [];
  const calls: CassetteCall[] = [];
  let writes: Promise<void> = Promise.resolve();

  const cassette = (): Cassette => ({
    version: CASSETTE_VERSION,
    model: { id: model.id, ...(model.price ? { price: model.price } : {}) },
    calls,
  });

  const save = (call: CassetteCall): Promise<void> => {
    calls.push(redactSecrets(JSON.parse(JSON.stringify(call)) as CassetteCall, secrets));
    const text = `${JSON.stringify(cassette(), null, 2)}\n`;
    writes = writes.then(() => writeAtomically(file, text));
    return writes;
  };

  return {
    id: model.id,
    ...(model.price ? { price: model.price } : {}),
    get calls() {
      return calls;
    },
    async call(request: ModelRequest) {
      const { signal: _signal, ...recorded } = request;
      let reply: ModelReply;
      try {
        reply = await model.call(request);
      } catch (error) {
        await save({ request: recorded, error: asCassetteError(error) });
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
    message: error instanceof Error ? error.message : String(error),
    retryable: false,
  };
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.partial`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, file);
}
