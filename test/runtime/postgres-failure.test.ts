// How a failure of Postgres, or of the way to it, becomes the store's error: what a later try may get past
// is retryable, and the message says which it was.
import { describe, expect, it } from 'vitest';
import { isConnectionFailure, postgresFailure } from '../../runtime/store/postgres-driver.js';

const target = { host: 'db.internal', port: 5432, database: 'app' };

describe('a Postgres failure', () => {
  it('is retryable when every connection of the pool stayed busy, without blaming the server', () => {
    // What pg-pool throws when no connection came free within connectionTimeoutMillis.
    const busy = new Error('timeout exceeded when trying to connect');
    expect(isConnectionFailure(busy)).toBe(false); // no connection broke: nothing to drop
    const failure = postgresFailure(busy, target);
    expect(failure).toMatchObject({ code: 'store_error', retryable: true });
    expect(failure.message).toContain("Every connection of the store's pool to Postgres at db.internal:5432");
    expect(failure.message).toContain('maxConnections');
  });

  it('names host and port of a connection that broke, retryable', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(isConnectionFailure(reset)).toBe(true);
    expect(postgresFailure(reset, target)).toMatchObject({ code: 'store_error', retryable: true });
    expect(postgresFailure(reset, target).message).toMatch(/^Cannot reach Postgres at db\.internal:5432/);
  });

  it('is not retryable for a statement the server refused', () => {
    const refused = Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' });
    expect(postgresFailure(refused, target)).toMatchObject({ code: 'store_error', retryable: false });
  });
});
