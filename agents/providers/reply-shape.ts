import { BatonError } from '../../contracts/errors.js';

/**
 * Reading an answer that the provider's server sent with a 200 but that may not have the API's shape: an
 * OpenAI-compatible server that speaks another API, a proxy's error page, a server that leaves fields out.
 * What does not fit becomes a non-retryable `provider_error` that names the model and the field, never an
 * empty turn or a token count of zero. Its details say `answered: true`: the provider may have billed the
 * call, and the attempt charges it as reserved.
 */

/** Who answered, for messages and details. */
export interface ReplySource {
  /** `OpenAI` or `Anthropic`. */
  readonly provider: string;
  /** The API the answer should belong to, as messages name it: `Responses`, `Chat Completions`, `Messages`. */
  readonly api: string;
  readonly model: string;
  readonly agent: string;
}

/** Tells whether a value is a JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The non-retryable `provider_error` for an answer whose `field` is missing or is not what the API sends
 * there (`expected`, e.g. `an array`).
 */
export function notTheApiShape(
  source: ReplySource,
  field: string,
  value: unknown,
  expected: string,
): BatonError {
  const found = value === undefined ? 'is missing' : `is ${kindOf(value)}, not ${expected}`;
  return new BatonError(
    'provider_error',
    `${where(source)} answered with something that is not a ${source.api} API reply: \`${field}\` ${found}. ` +
      `Check that the server at the \`baseURL\` speaks the ${source.api} API.`,
    {
      retryable: false,
      details: { ...about(source), status: null, field, answered: true },
    },
  );
}

/**
 * A token count the provider reported in `field`: `undefined` when it sent none (absent or null), else a
 * non-negative integer (fractions rounded up). Anything else (a negative number, a string, a number too
 * large to be finite) is a non-retryable `provider_error`: a reply that cannot be metered is not passed on.
 */
export function reportedCount(source: ReplySource, field: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.ceil(value);
  throw unreadableUsage(source, field, value, 'is not a token count (a finite number ≥ 0)');
}

/**
 * The non-retryable `provider_error` for token counts that contradict each other, such as more cached
 * input tokens than input tokens.
 */
export function contradictoryUsage(
  source: ReplySource,
  field: string,
  value: number,
  bound: { readonly field: string; readonly value: number },
): BatonError {
  return unreadableUsage(source, field, value, `is more than \`${bound.field}\` (${bound.value})`);
}

function unreadableUsage(source: ReplySource, field: string, value: unknown, what: string): BatonError {
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : kindOrValue(value);
  return new BatonError(
    'provider_error',
    `${where(source)} reported \`${field}\` = ${shown}, which ${what}. The call cannot be metered, so its reply is not used: check the server at the \`baseURL\`.`,
    {
      retryable: false,
      details: {
        ...about(source),
        status: null,
        field,
        value: typeof value === 'object' ? kindOrValue(value) : value,
        answered: true,
      },
    },
  );
}

/**
 * An object the answer may leave out (`usage`, a details block): `undefined` when absent or null, else
 * the object; anything else there is not the API's shape.
 */
export function optionalRecord(
  source: ReplySource,
  field: string,
  value: unknown,
): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (isRecord(value)) return value;
  throw notTheApiShape(source, field, value, 'an object');
}

function where(source: ReplySource): string {
  return `${source.provider} model "${source.model}" (agent "${source.agent}")`;
}

function about(source: ReplySource): Record<string, string> {
  return { provider: source.provider, model: source.model, agent: source.agent };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}

function kindOrValue(value: unknown): string {
  return typeof value === 'object' && value !== null ? kindOf(value) : String(value);
}
