// A throwaway PostgreSQL cluster: `initdb` in a temp folder (as the `postgres` user when run as root,
// since initdb refuses root), started on a free port of 127.0.0.1, stopped and deleted by `stop`. The
// tests start theirs with fsync off; the workers benchmark starts one that commits durably, as a server
// in production does.
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where the server binaries are. */
export interface Binaries {
  readonly bin: string;
  /** The user initdb and the server run as, when this process is root. */
  readonly runAs: { readonly name: string; readonly uid: number; readonly gid: number } | null;
}

/** Where the server binaries are, and whom they run as; or why none can be used. */
export function findBinaries(): Binaries | string {
  const candidates: string[] = [];
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian))
    candidates.push(
      ...readdirSync(debian)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => join(debian, v, 'bin')),
    );
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) candidates.push(dir);
  const bin = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!bin)
    return "no PostgreSQL server binaries (initdb, pg_ctl) were found: install Debian's postgresql, or set BATON_TEST_PG to a server URL";
  if (process.getuid?.() !== 0) return { bin, runAs: null };
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0)
    return 'running as root, and there is no "postgres" user to run initdb as (it refuses root)';
  return { bin, runAs: { name: 'postgres', uid: Number(uid.stdout), gid: Number(gid.stdout) } };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a server binary, as the `postgres` user when this process is root. */
function binary(binaries: Binaries, name: string, args: readonly string[]) {
  const path = join(binaries.bin, name);
  return binaries.runAs
    ? run('runuser', ['-u', binaries.runAs.name, '--', path, ...args])
    : run(path, [...args]);
}

/** A cluster in a temp folder, started on a free port; with fsync off unless `durable`. */
export async function startCluster(
  binaries: Binaries,
  options: { readonly durable?: boolean } = {},
): Promise<{ url: string; stop: () => Promise<void> }> {
  const folder = mkdtempSync(join(tmpdir(), 'baton-pg-'));
  if (binaries.runAs) chownSync(folder, binaries.runAs.uid, binaries.runAs.gid);
  const data = join(folder, 'data');
  const log = join(folder, 'server.log');
  const stop = async () => {
    await binary(binaries, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    await binary(binaries, 'initdb', [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-N',
      '-E',
      'UTF8',
      '--locale=C',
    ]);
    const port = await freePort();
    const settings = [
      `-p ${port}`,
      `-k ${folder}`,
      '-c listen_addresses=127.0.0.1',
      ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
      '-c max_connections=200',
    ].join(' ');
    await binary(binaries, 'pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', settings, 'start']);
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
  } catch (error) {
    const said = existsSync(log) ? readFileSync(log, 'utf8') : '';
    await stop();
    throw new Error(`The test Postgres did not start: ${String(error)}\n${said}`);
  }
}
