// The install-size benchmark: `npm run bench:install`. Packs Baton, then installs it and its peers the way
// their READMEs say, each into a fresh folder with a fresh npm cache (so downloads count and no run warms
// another), and measures install time, node_modules size and package count. Prints a table and writes
// docs/install-size.md.
//   npm run bench:install                  three rounds, the subjects interleaved in each
//   npm run bench:install -- --rounds 1    one round
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DOC = join(ROOT, 'docs', 'install-size.md');
const INSTALL_FLAGS = ['--no-audit', '--no-fund'];
const INSTALL_TIMEOUT_MS = 300_000;
const PACK_TIMEOUT_MS = 300_000;
const LARGEST_SHOWN = 5;

interface Subject {
  id: string;
  label: string;
  /** What `npm install` is given, in order. */
  specs: string[];
  /** What the command is shown as in the doc (the tarball's temporary path replaced). */
  shown: string[];
}
interface Usage {
  files: number;
  apparentBytes: number;
  diskBytes: number;
}
interface PackageUsage {
  name: string;
  usage: Usage;
}
interface Sample {
  ms: number;
  usage: Usage;
  packages: number;
  warnings: string[];
  versions: string[];
  largest: PackageUsage[];
}
interface Outcome {
  subject: Subject;
  samples: Sample[];
  failure?: string;
}
interface Packed {
  tarball: string;
  filename: string;
  packedBytes: number;
  unpackedBytes: number;
  entries: number;
}
interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  error?: string;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Reads `--rounds` (default 3): how many cold installs of each subject to time. */
function readRounds(): number {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`--rounds takes a whole number of 1 or more, got "${values.rounds}"`);
  return rounds;
}

/** The environment for npm children, less what an enclosing `npm run` sets about this repo. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_(package_|lifecycle_|config_local_prefix$)/i.test(key) || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return env;
}
const NPM_ENV = npmEnv();

/** Runs npm in `cwd` and times it, wall clock. */
function npm(args: string[], cwd: string, timeoutMs: number): Ran {
  const t0 = performance.now();
  const out = spawnSync('npm', args, {
    cwd,
    env: NPM_ENV,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - t0;
  const ran: Ran = { status: out.status, stdout: out.stdout ?? '', stderr: out.stderr ?? '', ms };
  if (out.error) ran.error = out.error.message;
  return ran;
}

/** Why an npm run failed, in one line. */
function failureOf(ran: Ran, what: string): string {
  if (ran.error) return `${what}: ${ran.error}`.slice(0, 240);
  const lines = `${ran.stderr}\n${ran.stdout}`.trim().split('\n');
  const line = lines.find((l) => /npm error (?!A complete log)/.test(l)) ?? lines.at(-1) ?? '';
  return `${what} exited ${ran.status}: ${line.trim()}`.slice(0, 240);
}

/** Packs Baton into `dest` with `npm pack` (whose `prepack` builds dist/ first). */
function packBaton(dest: string): Packed {
  log('packing Baton (npm pack; prepack builds dist/)…');
  const ran = npm(['pack', '--pack-destination', dest, '--json'], ROOT, PACK_TIMEOUT_MS);
  if (ran.status !== 0) throw new Error(failureOf(ran, 'npm pack'));
  const start = ran.stdout.search(/^\[$/m);
  const [info] = JSON.parse(ran.stdout.slice(Math.max(start, 0))) as {
    filename: string;
    size: number;
    unpackedSize: number;
    entryCount: number;
  }[];
  if (!info) throw new Error('npm pack printed no package');
  return {
    tarball: join(dest, info.filename),
    filename: info.filename,
    packedBytes: info.size,
    unpackedBytes: info.unpackedSize,
    entries: info.entryCount,
  };
}

/** The peers' versions as bench/package.json pins them (the ones the time benchmark measures). */
function benchPins(): Record<string, string> {
  const file = join(ROOT, 'bench', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { dependencies: Record<string, string> }).dependencies;
}

/** The subjects, in table order: the baseline, Baton as its README installs it, then the peers. */
function subjectsFor(packed: Packed): Subject[] {
  const pins = benchPins();
  const pin = (name: string) => {
    const version = pins[name];
    if (!version) throw new Error(`bench/package.json pins no version of ${name}`);
    return `${name}@${version}`;
  };
  const tarball = (rest: string[]): Pick<Subject, 'specs' | 'shown'> => ({
    specs: [packed.tarball, ...rest],
    shown: [`<tmp>/${packed.filename}`, ...rest],
  });
  const plain = (specs: string[]): Pick<Subject, 'specs' | 'shown'> => ({ specs, shown: specs });
  return [
    { id: 'baseline', label: 'xstate + ajv (baseline: what Baton is built on)', ...plain(['xstate', 'ajv']) },
    { id: 'baton', label: 'baton-flow', ...tarball(['typebox', 'xstate']) },
    { id: 'baton-cli', label: 'baton-flow + CLI for .ts (tsx)', ...tarball(['typebox', 'xstate', 'tsx']) },
    { id: 'openai-agents', label: '@openai/agents + zod', ...plain([pin('@openai/agents'), pin('zod')]) },
    {
      id: 'langgraph',
      label: '@langchain/langgraph + @langchain/core',
      ...plain([pin('@langchain/langgraph'), pin('@langchain/core')]),
    },
    { id: 'mastra', label: '@mastra/core', ...plain([pin('@mastra/core')]) },
  ];
}

/** The package name in an install spec: `@scope/name@1.2.3` → `@scope/name`; a tarball → baton-flow. */
function nameOf(spec: string): string {
  if (spec.endsWith('.tgz')) return 'baton-flow';
  return spec.replace(/(.)@.*$/, '$1');
}

/** Files, apparent bytes (regular files' sizes) and on-disk bytes (blocks, each inode once, like `du`). */
function usageOf(dir: string, skipNested = false, seen = new Set<string>()): Usage {
  const usage: Usage = { files: 0, apparentBytes: 0, diskBytes: 0 };
  const stack = [dir];
  for (let path = stack.pop(); path !== undefined; path = stack.pop()) {
    const stat = lstatSync(path);
    const inode = `${stat.dev}:${stat.ino}`;
    if (!seen.has(inode)) {
      seen.add(inode);
      usage.diskBytes += stat.blocks * 512;
      if (stat.isFile()) {
        usage.files += 1;
        usage.apparentBytes += stat.size;
      }
    }
    if (!stat.isDirectory()) continue;
    for (const name of readdirSync(path)) {
      if (!(skipNested && name === 'node_modules')) stack.push(join(path, name));
    }
  }
  return usage;
}

/** Every installed package folder under a node_modules folder, nested ones included. */
function packageDirs(nodeModules: string): string[] {
  const dirs: string[] = [];
  for (const name of readdirSync(nodeModules)) {
    if (name.startsWith('.')) continue;
    const path = join(nodeModules, name);
    const candidates = name.startsWith('@') ? readdirSync(path).map((inner) => join(path, inner)) : [path];
    for (const dir of candidates) {
      if (!existsSync(join(dir, 'package.json'))) continue;
      dirs.push(dir);
      const nested = join(dir, 'node_modules');
      if (existsSync(nested)) dirs.push(...packageDirs(nested));
    }
  }
  return dirs;
}

/** The biggest packages by their own files (their nested node_modules not counted). */
function largestPackages(nodeModules: string, dirs: string[]): PackageUsage[] {
  return dirs
    .map((dir) => ({
      name: dir.slice(nodeModules.length + 1).replaceAll('\\', '/'),
      usage: usageOf(dir, true),
    }))
    .sort((a, b) => b.usage.apparentBytes - a.usage.apparentBytes)
    .slice(0, LARGEST_SHOWN);
}

/** `name version` of each package the command named, as installed. */
function installedVersions(project: string, specs: string[]): string[] {
  return specs.map((spec) => {
    const name = nameOf(spec);
    const file = join(project, 'node_modules', name, 'package.json');
    const version = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
      : 'not installed';
    return `${name} ${version}`;
  });
}

/** The `npm warn` lines npm printed. */
function warningLines(output: string): string[] {
  return output.split('\n').filter((line) => /^npm warn /i.test(line));
}

/** One cold install of a subject in a fresh temp folder with a fresh cache, measured, then removed. */
function installOnce(subject: Subject): Sample | string {
  const dir = mkdtempSync(join(tmpdir(), `baton-install-${subject.id}-`));
  try {
    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{ "private": true, "type": "module" }\n');
    const args = ['install', ...subject.specs, ...INSTALL_FLAGS, '--cache', join(dir, 'cache')];
    const ran = npm(args, project, INSTALL_TIMEOUT_MS);
    if (ran.status !== 0) return failureOf(ran, 'npm install');
    const nodeModules = join(project, 'node_modules');
    const dirs = packageDirs(nodeModules);
    const added = /added (\d+) package/.exec(ran.stdout)?.[1];
    if (added && Number(added) !== dirs.length)
      log(`  npm said it added ${added} packages; ${dirs.length} package folders were found`);
    return {
      ms: ran.ms,
      usage: usageOf(nodeModules),
      packages: dirs.length,
      warnings: warningLines(`${ran.stderr}\n${ran.stdout}`),
      versions: installedVersions(project, subject.specs),
      largest: largestPackages(nodeModules, dirs),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** All rounds, the subjects interleaved within each, so a slow spell of the network hits all of them. */
function measure(subjects: Subject[], rounds: number): Outcome[] {
  const outcomes: Outcome[] = subjects.map((subject) => ({ subject, samples: [] }));
  for (let round = 1; round <= rounds; round += 1) {
    for (const outcome of outcomes) {
      if (outcome.failure) continue;
      log(`install ${outcome.subject.id} (round ${round}/${rounds})…`);
      const sample = installOnce(outcome.subject);
      if (typeof sample === 'string') outcome.failure = sample;
      else outcome.samples.push(sample);
    }
  }
  return outcomes;
}

/** The median; of an even count, the mean of the middle two. */
function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const upper = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  const lower = sorted[Math.ceil(sorted.length / 2) - 1] ?? Number.NaN;
  return (upper + lower) / 2;
}
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const kb = (bytes: number) => `${(bytes / 1e3).toFixed(0)} kB`;
const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** npm's codes among a sample's warnings ("2 deprecated, ERESOLVE"): deprecations counted, the rest named once. */
function warningSummary(lines: string[]): string {
  const codes = lines
    .map((line) => /^npm warn (\S+)/i.exec(line)?.[1] ?? '')
    .filter((code) => /^(E[A-Z0-9]+|deprecated|[a-z]+(?:-[a-z]+)+)$/.test(code));
  const deprecated = codes.filter((code) => code === 'deprecated').length;
  const kinds = new Set(codes.filter((code) => code !== 'deprecated'));
  const parts = [...(deprecated ? [`${deprecated} deprecated`] : []), ...kinds];
  if (parts.length) return parts.join(', ');
  return lines.length ? `${lines.length} lines` : 'none';
}

/** The stable measurements of an outcome (the first sample's), with a note where rounds disagreed. */
function cells(outcome: Outcome, reference: Sample | undefined): string[] {
  const [first] = outcome.samples;
  if (!first) return [`not measured: ${outcome.failure ?? 'no sample'}`, '', '', '', '', ''];
  const varied = outcome.samples.some(
    (s) => s.usage.apparentBytes !== first.usage.apparentBytes || s.packages !== first.packages,
  );
  const times = outcome.samples.map((s) => s.ms);
  const range = times.length > 1 ? ` (${seconds(Math.min(...times))}–${seconds(Math.max(...times))})` : '';
  const ratio = reference
    ? `${(first.usage.apparentBytes / reference.usage.apparentBytes).toFixed(1)}×`
    : '–';
  return [
    `${first.packages}${varied ? ' (varied across rounds)' : ''}`,
    first.usage.files.toLocaleString('en-US'),
    `${mb(first.usage.apparentBytes)} / ${mb(first.usage.diskBytes)}`,
    ratio,
    `${seconds(median(times))} s${range}`,
    warningSummary(first.warnings),
  ];
}

/** The results table, in Markdown. */
function table(outcomes: Outcome[]): string[] {
  const reference = outcomes.find((o) => o.subject.id === 'baton')?.samples[0];
  const rows = outcomes.map((o) => `| ${o.subject.label} | ${cells(o, reference).join(' | ')} |`);
  return [
    '| subject | packages | files | node_modules, apparent / on disk | × baton-flow (apparent) | install time, median (range) | npm warnings |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...rows,
  ];
}

/** The exact command of each subject, and what it installed. */
function commands(outcomes: Outcome[]): string[] {
  return outcomes.flatMap((o) => {
    const command = ['npm install', ...o.subject.shown, ...INSTALL_FLAGS, '--cache <tmp>/cache'].join(' ');
    const versions = o.samples[0]?.versions.join(', ') ?? 'not measured';
    return [`- ${o.subject.label}: \`${command}\` (installed ${versions})`];
  });
}

/** Per subject: its biggest packages and npm's warnings, verbatim. */
function details(outcomes: Outcome[]): string[] {
  return outcomes.flatMap((o) => {
    const sample = o.samples[0];
    if (!sample) return [`### ${o.subject.label}`, '', `Not measured: ${o.failure ?? 'no sample'}.`, ''];
    const biggest = sample.largest
      .map((p) => `${p.name} ${mb(p.usage.apparentBytes)} (${p.usage.files.toLocaleString('en-US')} files)`)
      .join(', ');
    const failed = o.failure ? [`A later round failed: ${o.failure}.`, ''] : [];
    const warnings = sample.warnings.length
      ? ['```', ...sample.warnings, '```']
      : ['npm printed no warnings.'];
    return [
      `### ${o.subject.label}`,
      '',
      `Largest packages (apparent; a file hard-linked into two packages counts in each): ${biggest}.`,
      '',
      ...warnings,
      '',
      ...failed,
    ];
  });
}

/** The machine, the tools and when. */
function machine(startedAt: Date, minutes: number, loads: number[][]): string[] {
  const cpu = cpus();
  const npmVersion = npm(['--version'], ROOT, 30_000).stdout.trim();
  const load = loads.map((l) => l.map((x) => x.toFixed(2)).join(' / '));
  return [
    `- CPU: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores; memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB; ${type()}`,
    `- Node ${process.version}, npm ${npmVersion}; load average ${load[0]} (1/5/15 min) at the start, ${load[1]} at the end`,
    `- Run on ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${minutes.toFixed(1)} minutes for the installs`,
  ];
}

/** The whole doc. */
function report(outcomes: Outcome[], packed: Packed, rounds: number, about: string[]): string {
  return [
    '# Install size',
    '',
    'Generated by `npm run bench:install` (bench/install-size.ts). Do not edit this file by hand.',
    '',
    `What installing each library costs a user: every subject is installed with the command its README gives, in a fresh empty folder (a \`package.json\` of \`{ "private": true, "type": "module" }\`) with a fresh empty npm cache, so every download counts and no install warms another. ${rounds} round${rounds > 1 ? 's' : ''}, the subjects interleaved within each round. Baton is installed from the tarball \`npm pack\` made of this repo at the start of the run (${packed.filename}: ${kb(packed.packedBytes)} packed, ${kb(packed.unpackedBytes)} unpacked, ${packed.entries} files).`,
    '',
    ...table(outcomes),
    '',
    '- packages: folders with a `package.json` directly under `node_modules/*/` and `node_modules/@*/*/`, at any depth of nested `node_modules`; the root project not counted.',
    '- apparent: the sum of the sizes of the regular files under `node_modules`, a hard-linked file once (what `du --apparent-size` shows, less directory entries). On disk: the blocks allocated to every file, folder and link, each inode once (what `du` shows). MB = 10⁶ bytes.',
    '- install time: wall clock of the whole `npm install` process, cold cache: resolving, downloading, extracting, install scripts. The range is the fastest and slowest round.',
    "- npm warnings: npm's codes among the `npm warn` lines of the first round (deprecations counted, other codes named once); the lines are listed in full under Details. `install-scripts` is npm's advisory (npm 11.16 and later) that a dependency has an install script the project has not approved in `allowScripts`: in npm 11 the script still runs.",
    '',
    '## Machine',
    '',
    ...about,
    '',
    '## Commands',
    '',
    'In a fresh folder per subject and round, `<tmp>` being a new temporary folder:',
    '',
    ...commands(outcomes),
    '',
    'The peers are pinned to the versions the time benchmark measures (bench/package.json); the other names are unpinned, as in the READMEs, so they are the latest on the day of the run. npm installs the required peer dependencies of what it installs by itself (zod for @mastra/core, for one), so a README line that leaves out a required peer costs the same as one that names it.',
    '',
    '## What biases the numbers',
    '',
    "- The network dominates the install time: with a cold cache most of it is downloading from the npm registry, so the times measure this machine's link to the registry as much as the packages, and they move from run to run. Compare times within one run, not across runs or machines; the subjects are interleaved in each round so a slow spell hits all of them.",
    '- The machine is shared (see the load averages above): extraction and install scripts compete for its 2 cores.',
    '- Sizes and package counts are deterministic for a given resolution: re-running on the same day gives the same numbers (the table says where rounds disagreed). Over time, the unpinned names and every version range below the pinned ones resolve to newer releases, and the sizes move with them.',
    '- A user who already has some of these packages (xstate, zod, typebox, esbuild) in the project pays less; a warm npm cache makes every install faster. Both are left out on purpose: this is the cost of a first install.',
    '- Size on disk depends on the file system (its block size: here small files round up to 4 KiB); the apparent size does not.',
    '',
    '## Details',
    '',
    ...details(outcomes),
    '## Reproduce',
    '',
    '`npm run bench:install` (default 3 rounds; `-- --rounds 1` for one). It needs the npm registry and less than 1 GB of free space in the temp folder: the folder and cache of each install are removed once it is measured.',
    '',
  ].join('\n');
}

function main(): void {
  const rounds = readRounds();
  const scratch = mkdtempSync(join(tmpdir(), 'baton-pack-'));
  try {
    const packed = packBaton(scratch);
    const startedAt = new Date();
    const loadBefore = loadavg();
    const t0 = performance.now();
    const outcomes = measure(subjectsFor(packed), rounds);
    const minutes = (performance.now() - t0) / 60_000;
    const about = machine(startedAt, minutes, [loadBefore, loadavg()]);
    process.stdout.write(`\n${table(outcomes).join('\n')}\n`);
    writeFileSync(DOC, report(outcomes, packed, rounds, about));
    log(`wrote docs/install-size.md (${minutes.toFixed(1)} min)`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
