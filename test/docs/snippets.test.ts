import { beforeAll, describe, expect, it } from 'vitest';
import {
  documentSnippets,
  entryProgram,
  exampleSnippets,
  exportDocs,
  markdownSnippets,
  type Snippet,
  type SnippetError,
  typeCheck,
} from './snippets.js';

const entries = entryProgram();
const docs = exportDocs(entries);

// The checker's own cases, each in a folder of its own, checked in the same program as the docs (one
// program is most of the cost).
const selfTest = (name: string, lines: readonly string[]): Snippet[] =>
  markdownSnippets(lines.join('\n'), `${name}.md`, `self-test/${name}`);
const BROKEN = selfTest('broken', [
  '# Guide',
  '',
  '```ts',
  "import { defineAgent } from 'baton-flow';",
  "defineAgent({ name: 'a' });",
  '```',
]);
const SHARED = selfTest('shared', [
  '```ts',
  '// file: shared.ts',
  'export const limit = 3;',
  '```',
  '```text',
  'not code at all {',
  '```',
  '```ts',
  "import { limit } from './shared.js';",
  'const n: number = limit;',
  '```',
]);
const INSIDES = selfTest('insides', ['```ts', "import { judge } from 'baton-flow';", '```']);

let errors: SnippetError[] = [];
beforeAll(() => {
  errors = typeCheck(
    [...documentSnippets(), ...exampleSnippets(docs), ...BROKEN, ...SHARED, ...INSIDES],
    entries,
  );
}, 180_000);
const errorsIn = (source: string) => errors.filter((e) => e.where.startsWith(`${source}:`));

describe('the docs', () => {
  it('has a doc comment on every export of every entry point', () => {
    const bare = docs
      .filter((d) => d.comment.length < 10)
      .map((d) => `${d.entry} ${d.name} (${d.declaredIn}:${d.line})`);
    expect(bare).toEqual([]);
  });

  it('has an @example with a ```ts block on every function, class and constant', () => {
    const withExample = new Set(exampleSnippets(docs).map((s) => s.source));
    const missing = docs
      .filter((d) => d.kind === 'value' && !withExample.has(`${d.declaredIn}:${d.line} (${d.name})`))
      .map((d) => `${d.entry} ${d.name} (${d.declaredIn}:${d.line})`);
    expect(missing).toEqual([]);
  });

  it('finds the snippets it checks: the README and every guide has some', () => {
    const sources = new Set(documentSnippets().map((s) => s.source));
    expect(sources).toContain('README.md');
    expect(sources.size).toBeGreaterThan(1);
  });

  it('type-checks every ```ts block in README.md and docs/, and every @example', () => {
    const own = errors.filter((e) => !/^(broken|shared|insides)\.md:/.test(e.where));
    expect(own.map((e) => `${e.where}: ${e.message}`)).toEqual([]);
  });
});

describe('the snippet checker', () => {
  it('reports a block that does not compile, at its line in the document', () => {
    expect(errorsIn('broken.md')).toHaveLength(1);
    expect(errorsIn('broken.md')[0]).toMatchObject({ where: 'broken.md:5' });
  });

  it('lets a later block import a named earlier one, and skips blocks that are not ts', () => {
    expect(SHARED.map((s) => s.file)).toEqual(['shared.ts', 'snippet-8.ts']);
    expect(errorsIn('shared.md')).toEqual([]);
  });

  it('catches an import of a name the package does not export', () => {
    expect(errorsIn('insides.md')[0]?.message).toMatch(/has no exported member 'judge'/);
  });
});
