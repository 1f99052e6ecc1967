import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { AnyStateMachine } from 'xstate';
import { describeThrown } from '../../contracts/errors.js';
import { type Checkable, type CheckReport, checkReport } from '../../machines/check/check.js';
import { formatDiagnostic } from '../../machines/check/format-diagnostics.js';
import { CliError } from './exit-codes.js';
import type { CliIo } from './io.js';
import { flowsIn, importModule } from './load-flows.js';

/** Options of `baton check`. */
export interface CheckCommandOptions {
  /** Flow modules, or folders to search for them (what the shell expands `examples/**` to). */
  readonly modules: readonly string[];
  readonly json?: boolean | undefined;
}

const MODULE = /\.(?:[cm]?ts|[cm]?js)$/;

/** The module files a path names: itself, or the modules in a folder and its subfolders. */
function moduleFiles(path: string): string[] {
  try {
    if (!statSync(path).isDirectory()) return [path];
    return readdirSync(path, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && MODULE.test(e.name) && !e.name.endsWith('.d.ts'))
      .filter((e) => !join(e.parentPath, e.name).includes('node_modules'))
      .map((e) => join(e.parentPath, e.name))
      .sort();
  } catch (cause) {
    throw new CliError(
      'noInput',
      'invalid_argument',
      `Cannot read ${path}: ${describeThrown(cause)}. Pass modules or folders you can read.`,
      { cause, details: { path } },
    );
  }
}

/** Whether a value is an XState machine that carries Baton metadata (from `partsMachine` or hand-written). */
function isBatonMachine(value: unknown): value is AnyStateMachine {
  const machine = value as { root?: { meta?: { baton?: unknown } }; getInitialSnapshot?: unknown } | null;
  return (
    typeof machine === 'object' &&
    machine !== null &&
    typeof machine.getInitialSnapshot === 'function' &&
    typeof machine.root?.meta?.baton === 'object'
  );
}

/** The flows and Baton machines a module exports; an empty list when it exports none. */
async function checkables(path: string, cwd: string): Promise<Checkable[]> {
  const exports = await importModule(path, cwd);
  return [...flowsIn(exports), ...Object.values(exports).filter(isBatonMachine)];
}

function boundsLine(report: CheckReport): string {
  const { shortest, longest, worstCase, budget } = report.bounds;
  const parts: string[] = [];
  if (shortest && longest) {
    const range =
      shortest.handoffs === longest.handoffs
        ? `${shortest.handoffs}`
        : `${shortest.handoffs}–${longest.exact ? '' : '≥'}${longest.handoffs}`;
    const limit = budget.handoffs === null ? '' : ` (limits.handoffs ${budget.handoffs})`;
    parts.push(`paths to done take ${range} handoffs${limit}`);
  }
  if (worstCase.handoffs !== null || worstCase.modelCalls !== null) {
    const show = (n: number | null) => (n === null ? 'unbounded' : String(n));
    parts.push(`worst case ${show(worstCase.handoffs)} handoffs, ${show(worstCase.modelCalls)} model calls`);
  }
  return parts.join('; ');
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');

/**
 * `baton check <module...> [--json]`: checks every flow and Baton machine the modules (or folders) export,
 * prints the diagnostics with their fixes, and returns 1 when any has an error. Files that export no flow
 * are skipped with a note; when nothing at all was checked, it throws `invalid_flow_module`.
 */
export async function checkCommand(options: CheckCommandOptions, io: CliIo): Promise<number> {
  const results: { module: string; report: CheckReport }[] = [];
  const skipped: { module: string; reason: string }[] = [];
  const seen = new Set<unknown>();
  for (const given of options.modules) {
    const path = resolve(io.cwd, given);
    const files = existsSync(path) ? moduleFiles(path) : [path];
    for (const file of files) {
      const module = relative(io.cwd, file) || file;
      if (existsSync(file) && !MODULE.test(file)) {
        skipped.push({ module, reason: 'not a JavaScript or TypeScript module' });
        continue;
      }
      const found = await checkables(file, io.cwd);
      if (found.length === 0) skipped.push({ module, reason: 'exports no flow' });
      for (const target of found) {
        if (seen.has(target)) continue;
        seen.add(target);
        results.push({ module, report: checkReport(target) });
      }
    }
  }
  const all = results.flatMap((r) => r.report.diagnostics);
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.length - errors;
  if (options.json) {
    io.out(
      JSON.stringify(
        { results: results.map((r) => ({ module: r.module, ...r.report })), skipped, errors, warnings },
        null,
        2,
      ),
    );
  } else {
    for (const { module, report } of results) {
      const own = report.diagnostics.filter((d) => d.severity === 'error').length;
      const count = report.diagnostics.length;
      const status =
        count === 0
          ? 'no problems'
          : `${own} error${own === 1 ? '' : 's'}, ${count - own} warning${count - own === 1 ? '' : 's'}`;
      io.out(`${own > 0 ? '✘' : '✔'} ${report.flow} (${module}): ${status}`);
      const line = boundsLine(report);
      if (line) io.out(`  ${line}`);
      for (const diagnostic of report.diagnostics) io.out(indent(formatDiagnostic(diagnostic)));
    }
    for (const skip of skipped) io.out(`note: ${skip.module} skipped: ${skip.reason}`);
  }
  if (results.length === 0) {
    throw new CliError(
      'data',
      'invalid_flow_module',
      `No flow found in ${options.modules.join(', ')}. Pass modules that export a flow (defineFlow) or a Baton machine.`,
      { details: { modules: options.modules, skipped } },
    );
  }
  if (!options.json) {
    io.out(
      `checked ${results.length} flow${results.length === 1 ? '' : 's'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
    );
  }
  return errors > 0 ? 1 : 0;
}
