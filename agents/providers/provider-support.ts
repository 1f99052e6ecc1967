import { BatonError, describeThrown, isBatonError } from '../../contracts/errors.js';
import { assertPrice, type ModelReply, type ModelRequest, type Price, type ToolCall } from '../model.js';
import { checkReply } from '../model-reply.js';
import { estimateInputTokens } from '../tokens.js';
import { contradictoryUsage, type ReplySource, reportedCount } from './reply-shape.js';

/** Retries and timeout every SDK-backed provider configures explicitly unless told otherwise. */
export const PROVIDER_DEFAULTS = { maxRetries: 2, timeout: 300_000 } as const;

/** What a provider needs to say about itself when it turns an SDK failure into a `BatonError`. */
export interface FailureContext {
  /** `OpenAI` or `Anthropic`: used in messages. */
  readonly provider: string;
  readonly model: string;
  readonly agent: string;
  readonly maxRetries: number;
  readonly timeout: number;
  /** The API key the client was given, if any: removed from every message. */
  readonly apiKey: string | undefined;
  /** The environment variable the SDK reads when no key is given, for the fix-it hint. */
  readonly keyVariable: string;
  /** The URL the client sends to, named when it cannot be reached. */
  readonly baseURL: string | undefined;
}

/** An optional package, how to load it, what needs it and how to install it. */
export interface OptionalPackage<T> {
  readonly name: string;
  readonly load: () => Promise<T>;
  /** What needs the package, for the message: "this model provider" unless told. */
  readonly neededBy?: string;
  /** The install command; `npm install <name>` unless told. */
  readonly install?: string;
}

/**
 * Loads an optional package with a dynamic `import()`, or throws `missing_dependency` naming the package
 * to install when it is not there.
 */
export async function loadSdk<T>({
  name,
  load,
  neededBy = 'this model provider',
  install = `npm install ${name}`,
}: OptionalPackage<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isModuleNotFound(error, name)) {
      throw new BatonError(
        'missing_dependency',
        `The "${name}" package is not installed, and ${neededBy} needs it. Install ${name}: ${install}`,
        { details: { package: name } },
      );
    }
    throw error;
  }
}

function isModuleNotFound(error: unknown, name: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const notFound =
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /cannot find (package|module)/i.test(String(message));
  return notFound && String(message).includes(name);
}

/** A provider's `price` option, refused with `invalid_argument` when it could not meter a dollar budget. */
export function checkedPrice(provider: string, price: Price | undefined): Price | undefined {
  assertPrice(price, 'invalid_argument', `${provider}: options.price`);
  return price;
}

/**
 * The first user message of every request: the agent's validated input as JSON, then the facts it
 * declared it reads (if any) as JSON after `Facts:`, and nothing else.
 */
export function renderInput(input: unknown, facts?: Readonly<Record<string, unknown>>): string {
  const text = JSON.stringify(input ?? null);
  return facts === undefined ? text : `${text}\n\nFacts: ${JSON.stringify(facts)}`;
}

/** A tool call from the raw argument text a model produced; text that is not JSON comes back `malformed`. */
export function toolCallFromText(id: string, name: string, raw: string): ToolCall {
  if (raw.trim() === '') return { id, name, arguments: {} };
  try {
    return { id, name, arguments: JSON.parse(raw) };
  } catch {
    return { id, name, arguments: raw, malformed: true };
  }
}

/** The argument text of a tool call as the model wrote it, for sending the call back in a later turn. */
export function argumentText(call: ToolCall): string {
  return call.malformed && typeof call.arguments === 'string'
    ? call.arguments
    : JSON.stringify(call.arguments ?? {});
}

/** One count of a provider's usage block: the field it came from on the wire, and what the server sent there. */
export interface ReportedField {
  readonly field: string;
  readonly value: unknown;
}

/** Usage as a provider reported it: a count the server did not send is left out, for `checkedReply` to estimate. */
export interface ReportedUsage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly cachedInputTokens?: number;
  readonly reasoningTokens?: number;
}

/**
 * The usage in a provider's usage block, each count checked where the server sent it (`reportedCount`):
 * input is the sum of its fields (Anthropic adds cache reads and writes) and is left out when the first
 * is; cached input must not exceed input, nor reasoning output. Errors name the wire field.
 */
export function usageOf(
  source: ReplySource,
  counts: {
    readonly input: readonly [ReportedField, ...ReportedField[]];
    readonly output: ReportedField;
    readonly cached?: ReportedField;
    readonly reasoning?: ReportedField;
  },
): ReportedUsage {
  const count = ({ field, value }: ReportedField) => reportedCount(source, field, value);
  const [first, ...rest] = counts.input;
  const base = count(first);
  const input = base === undefined ? undefined : rest.reduce((sum, field) => sum + (count(field) ?? 0), base);
  const output = count(counts.output);
  const cached = counts.cached && count(counts.cached);
  const reasoning = counts.reasoning && count(counts.reasoning);
  if (counts.cached && cached !== undefined && input !== undefined && cached > input)
    throw contradictoryUsage(source, counts.cached.field, cached, { field: first.field, value: input });
  if (counts.reasoning && reasoning !== undefined && output !== undefined && reasoning > output)
    throw contradictoryUsage(source, counts.reasoning.field, reasoning, {
      field: counts.output.field,
      value: output,
    });
  return {
    ...(input === undefined ? {} : { inputTokens: input }),
    ...(output === undefined ? {} : { outputTokens: output }),
    ...(cached === undefined ? {} : { cachedInputTokens: cached }),
    ...(reasoning === undefined ? {} : { reasoningTokens: reasoning }),
  };
}

/**
 * A provider's reply through `checkReply`: what the server did not report is estimated (the input from
 * the request, with `estimateInputTokens`) and marked `estimated`, so budgets meter the call instead of
 * counting it as free.
 */
export function checkedReply(
  model: string,
  request: ModelRequest,
  reply: Omit<ModelReply, 'usage'> & { readonly usage: ReportedUsage | undefined },
): ModelReply {
  return checkReply(reply, model, () => estimateInputTokens(request));
}

/** A JSON Schema as plain JSON data: drops TypeBox's symbol and non-enumerable keys before it is sent. */
export function plainSchema(schema: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema ?? {})) as Record<string, unknown>;
}

const SECRET_PATTERNS: readonly RegExp[] = [
  /\b(?:sk|rk|pk)-[A-Za-z0-9_-]{16,}/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /\b(?:gsk|xai|hf|ghp|gho|ghs|github_pat)_[A-Za-z0-9_]{16,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
];

const SECRET_KEYS =
  /^(?:api[-_]?key|x-api-key|authorization|proxy-authorization|password|secret|client[-_]?secret)$/i;

/** The replacement for every redacted secret. */
export const REDACTED = '[REDACTED]';

/** A string with the given secrets and anything that looks like an API key or bearer token replaced by `[REDACTED]`. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}

/**
 * A deep copy of a JSON value with secrets redacted: every string through `redactText`, and every string
 * under a credential-named key (`apiKey`, `authorization`, …) replaced whole.
 */
export function redactSecrets<T>(value: T, secrets: readonly string[] = []): T {
  const walk = (node: unknown, key: string | null): unknown => {
    if (typeof node === 'string')
      return key !== null && SECRET_KEYS.test(key) ? REDACTED : redactText(node, secrets);
    if (Array.isArray(node)) return node.map((item) => walk(item, null));
    if (typeof node === 'object' && node !== null) {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, k)]));
    }
    return node;
  };
  return walk(value, null) as T;
}

/**
 * The class names of an error and its ancestors (`APIConnectionTimeoutError`, `APIConnectionError`, …),
 * plus its `name`: the SDKs' error classes keep `name` as `Error`, so the class is read from the prototype.
 */
function errorKinds(error: unknown): ReadonlySet<string> {
  const kinds = new Set<string>();
  if (typeof error !== 'object' || error === null) return kinds;
  const name = (error as { name?: unknown }).name;
  if (typeof name === 'string') kinds.add(name);
  for (let proto: object | null = Object.getPrototypeOf(error); proto; proto = Object.getPrototypeOf(proto)) {
    const ctor = (proto as { constructor?: { name?: unknown } }).constructor;
    if (typeof ctor?.name === 'string') kinds.add(ctor.name);
  }
  return kinds;
}

/**
 * Error types a provider sends inside a stream that already answered 200 (Anthropic's `error` event,
 * OpenAI's `{ error }` chunk): a failure on the provider's side that a later call may not meet.
 */
const RETRYABLE_STREAM_ERRORS = new Set([
  'overloaded_error',
  'api_error',
  'rate_limit_error',
  'server_error',
  'rate_limit_exceeded',
]);

/** The retryable `provider_error` for a stream that ended before its final event (a dropped connection, a proxy cut). */
export function streamEndedEarly(where: { provider: string; model: string; agent: string }): BatonError {
  return new BatonError(
    'provider_error',
    `${where.provider} model "${where.model}" (agent "${where.agent}") ended its stream before the reply was complete. The call may succeed later; check any proxy between Baton and the provider.`,
    {
      retryable: true,
      details: {
        provider: where.provider,
        model: where.model,
        agent: where.agent,
        status: null,
        // Tokens streamed before the cut were billed: the attempt charges the call as reserved.
        answered: true,
      },
    },
  );
}

/**
 * Turns what an SDK threw, after its own retries, into a `BatonError`: `aborted` when the signal fired,
 * otherwise `provider_error` with a `retryable` flag (timeouts, connection failures, 408, 409, 429, 5xx,
 * an overloaded or server error sent mid-stream) and `{ provider, model, agent, status, requestId }`
 * details. The API key never appears in it.
 */
export function providerFailure(error: unknown, signal: AbortSignal, context: FailureContext): BatonError {
  if (isBatonError(error)) return error;
  const where = `${context.provider} model "${context.model}" (agent "${context.agent}")`;
  const secrets = context.apiKey === undefined ? [] : [context.apiKey];
  const kinds = errorKinds(error);
  if (signal.aborted || kinds.has('APIUserAbortError') || kinds.has('AbortError')) {
    return new BatonError('aborted', `The call to ${where} was aborted by its signal.`, {
      details: { provider: context.provider, model: context.model },
    });
  }
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    status?: unknown;
    requestID?: unknown;
    message?: unknown;
    type?: unknown;
  };
  const status = typeof fields.status === 'number' ? fields.status : null;
  const timedOut = kinds.has('APIConnectionTimeoutError');
  const unreachable = kinds.has('APIConnectionError');
  // The SDK refuses to send a request it has no credentials for, with a plain Error and no status.
  const noKey = status === null && !unreachable && NO_CREDENTIALS.test(String(fields.message));
  // The SDKs raise an `APIError` without a status only for an error event inside a streamed answer.
  const streamType =
    status === null && !unreachable && kinds.has('APIError') && typeof fields.type === 'string'
      ? fields.type
      : null;
  const retryable =
    status === null
      ? unreachable || (streamType !== null && RETRYABLE_STREAM_ERRORS.has(streamType))
      : status === 408 || status === 409 || status === 429 || status >= 500;
  const said = redactText(typeof fields.message === 'string' ? fields.message : String(error), secrets);
  const at = context.baseURL === undefined ? '' : ` at ${context.baseURL}`;
  const what = timedOut
    ? `timed out after ${context.timeout} ms${at}`
    : status === 401 || status === 403
      ? `refused the credentials (HTTP ${status})`
      : status !== null
        ? `answered HTTP ${status}`
        : unreachable
          ? `could not be reached${at}`
          : noKey
            ? 'has no API key to authenticate with'
            : streamType !== null
              ? `failed mid-stream (${streamType})`
              : 'failed';
  // The SDKs retry a failed request, never a stream that failed after its 200.
  const retried =
    retryable && streamType === null
      ? ` after ${context.maxRetries} ${context.maxRetries === 1 ? 'retry' : 'retries'}`
      : '';
  const sentence = /[.!?]$/.test(said.trim()) ? said.trim() : `${said.trim()}.`;
  return new BatonError(
    'provider_error',
    `${where} ${what}${retried}: ${sentence} ${streamType !== null ? streamHint(retryable) : hint({ status, timedOut, unreachable, noKey }, context)}`,
    {
      retryable,
      details: {
        provider: context.provider,
        model: context.model,
        agent: context.agent,
        status,
        ...(streamType === null ? {} : { type: streamType }),
        ...(typeof fields.requestID === 'string' ? { requestId: fields.requestID } : {}),
      },
    },
  );
}

function streamHint(retryable: boolean): string {
  return retryable
    ? 'The stream failed after it started, which the SDK does not retry: the call may succeed later.'
    : 'The provider rejected the request mid-stream: fix what its message names.';
}

/** What the SDKs say when they have no key to send (Anthropic: "Could not resolve authentication method"). */
const NO_CREDENTIALS = /authentication method|api[_ ]?key\b.*(missing|not set|empty)|missing.*api[_ ]?key/i;

function hint(
  {
    status,
    timedOut,
    unreachable,
    noKey,
  }: { status: number | null; timedOut: boolean; unreachable: boolean; noKey: boolean },
  context: FailureContext,
): string {
  if (timedOut) return "Raise the provider's `timeout` option, or lower the agent's output-token budget.";
  if (unreachable) return 'Check that the server runs there, the network, and the `baseURL` option.';
  if (noKey) return `Pass the \`apiKey\` option or set the ${context.keyVariable} environment variable.`;
  if (status === null) return 'The answer could not be read: check that the server speaks this API.';
  if (status === 401 || status === 403)
    return `Check the API key: the \`apiKey\` option or the ${context.keyVariable} environment variable.`;
  if (status === 404) return 'Check the model id and the `baseURL` option.';
  if (status === 429)
    return "The provider is rate limiting: raise `maxRetries`, slow the flow down, or raise the account's limits.";
  if (status >= 500) return 'The provider failed or is overloaded: the call may succeed later.';
  return 'The provider rejected the request: fix what its message names.';
}

/**
 * A provider's SDK client, made on first use (the SDK is loaded then) and made again on the next call
 * if making it failed; a failure becomes `provider_error` with the API key redacted and the fix named.
 */
export function lazyClient<C>({
  provider,
  given,
  make,
  apiKey,
  hint,
}: {
  provider: string;
  given: C | undefined;
  make: () => Promise<C>;
  apiKey: string | undefined;
  hint: string;
}): () => Promise<C> {
  let client: Promise<C> | undefined;
  return () => {
    client ??= given === undefined ? make() : Promise.resolve(given);
    return client.catch((error: unknown) => {
      client = undefined;
      if (isBatonError(error)) throw error;
      const said = redactText(describeThrown(error), apiKey === undefined ? [] : [apiKey]);
      throw new BatonError('provider_error', `Could not create the ${provider} client: ${said} ${hint}`, {
        retryable: false,
        details: { provider },
      });
    });
  };
}
