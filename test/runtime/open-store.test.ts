// How the commands read the database `--db` or BATON_DB names: a file, or a Postgres URL whose own
// `schema` parameter picks the schema of Baton's tables and is taken out of what Postgres gets.
import { describe, expect, it } from 'vitest';
import { namedDatabase } from '../../runtime/cli/open-store.js';
import { cliIo } from '../helpers/cli.js';

const named = (db: string | undefined, env: Record<string, string> = {}) =>
  namedDatabase({ db }, cliIo('/tmp', env).io);

describe('the database a command names', () => {
  it('is a file, or a Postgres URL without a schema, as written', () => {
    expect(named('runs.db')).toEqual({ url: 'runs.db', postgres: false, schema: undefined });
    expect(named(undefined)).toEqual({ url: undefined, postgres: false, schema: undefined });
    expect(named('postgres://baton@db:5432/app?sslmode=require')).toEqual({
      url: 'postgres://baton@db:5432/app?sslmode=require',
      postgres: true,
      schema: undefined,
    });
  });

  it('takes the schema out of the URL and leaves every other part as written', () => {
    expect(named('postgresql://baton:p%40ss@db:5432/app?sslmode=require&schema=support&x=1')).toEqual({
      url: 'postgresql://baton:p%40ss@db:5432/app?sslmode=require&x=1',
      postgres: true,
      schema: 'support',
    });
    expect(named(undefined, { BATON_DB: 'postgres://db/app?schema=support' })).toMatchObject({
      url: 'postgres://db/app',
      schema: 'support',
    });
  });

  it('reads the schema of a URL a URL parser refuses but Postgres takes (a Unix socket)', () => {
    expect(named('postgres://baton@/app?host=/var/run/postgresql&schema=support')).toEqual({
      url: 'postgres://baton@/app?host=/var/run/postgresql',
      postgres: true,
      schema: 'support',
    });
  });

  it('refuses a URL that names the schema twice', () => {
    expect(() => named('postgres://db/app?schema=a&sch%65ma=b')).toThrow(/names the schema 2 times \(a, b\)/);
  });
});
