// Extracts the TypeScript in the docs (fenced ```ts blocks in README.md and docs/**/*.md) and in the doc
// comments of the public entry points (```ts blocks inside @example), and type-checks it against the
// sources, so a snippet cannot drift from the API.
//
// The rules a snippet follows:
// - Every ```ts block is a module of its own, checked with the repo's compiler options; it imports what it
//   uses, by the package's name (`baton-flow`, `baton-flow/testing`, `baton-flow/parts`).
// - A block whose first line is `// file: name.ts` is written under that name, so a later block of the same
//   document can `import { … } from './name.js'`. The blocks of one document share a folder.
// - A block that should not be checked (pseudo-code) is not a ```ts block: fence it as ```text.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** One extracted block: where it came from, and the name it is checked under. */
export interface Snippet {
  /** The document or source file, relative to the repo, and the line the block starts on. */
  readonly source: string;
  readonly line: number;
  /** The folder of its document's blocks and its file name there. */
  readonly group: string;
  readonly file: string;
  readonly code: string;
}

const FENCE = /^([ \t]*)```(\w+)?[^\n]*\n([\s\S]*?)^\1```[ \t]*$/gm;
const FILE_NAME = /^\/\/ file: ([\w./-]+\.m?ts)\s*$/;

/** The ```ts blocks of a Markdown text, in order. */
export function markdownSnippets(text: string, source: string, group: string): Snippet[] {
  const snippets: Snippet[] = [];
  for (const match of text.matchAll(FENCE)) {
    const lang = match[2];
    if (lang !== 'ts' && lang !== 'typescript') continue;
    const indent = match[1] ?? '';
    const code = (match[3] ?? '')
      .split('\n')
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
      .join('\n');
    const line = text.slice(0, match.index).split('\n').length;
    const named = FILE_NAME.exec(code.split('\n', 1)[0] ?? '');
    snippets.push({
      source,
      line,
      group,
      file: named?.[1] ?? `snippet-${line}.ts`,
      code,
    });
  }
  return snippets;
}

/** README.md and every Markdown file under docs/. */
export function documents(): string[] {
  const docs = readdirSync(join(root, 'docs'), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.md'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
  return ['README.md', ...docs.sort()];
}

/** The public entry points, by the specifier users import them with. */
export const ENTRIES = {
  'baton-flow': 'index.ts',
  'baton-flow/parts': 'parts.ts',
  'baton-flow/testing': 'testing.ts',
  'baton-flow/postgres': 'postgres.ts',
  'baton-flow/report': 'report.ts',
} as const;

/** One exported name of an entry point, with its doc comment. */
export interface ExportDoc {
  readonly entry: string;
  readonly name: string;
  /** `value` for functions, classes and constants; `type` for interfaces and type aliases. */
  readonly kind: 'value' | 'type';
  readonly declaredIn: string;
  readonly line: number;
  readonly comment: string;
  readonly examples: readonly string[];
}

/** A program over the public entry points, for reading their exports and doc comments. */
export function entryProgram(): ts.Program {
  return ts.createProgram(
    Object.values(ENTRIES).map((f) => join(root, f)),
    compilerOptions(),
  );
}

/** Every export of every entry point, with its doc comment and @example blocks. */
export function exportDocs(program: ts.Program = entryProgram()): ExportDoc[] {
  const checker = program.getTypeChecker();
  const docs: ExportDoc[] = [];
  for (const [entry, file] of Object.entries(ENTRIES)) {
    const sourceFile = program.getSourceFile(join(root, file));
    if (!sourceFile) throw new Error(`${file} is not in the program`);
    const module = checker.getSymbolAtLocation(sourceFile);
    if (!module) throw new Error(`${file} has no module symbol`);
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.declarations?.[0];
      if (!declaration) continue;
      const isValue = (symbol.flags & ts.SymbolFlags.Value) !== 0;
      const comment = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
      const examples = symbol
        .getJsDocTags(checker)
        .filter((tag) => tag.name === 'example')
        .map((tag) => ts.displayPartsToString(tag.text));
      const declarationFile = declaration.getSourceFile();
      docs.push({
        entry,
        name: exported.name,
        kind: isValue ? 'value' : 'type',
        declaredIn: relative(root, declarationFile.fileName),
        line: declarationFile.getLineAndCharacterOfPosition(declaration.getStart()).line + 1,
        comment,
        examples,
      });
    }
  }
  return docs;
}

/** The ```ts blocks of the @example tags of the entry points' exports. */
export function exampleSnippets(docs: readonly ExportDoc[]): Snippet[] {
  return docs.flatMap((doc) =>
    doc.examples.flatMap((example, i) =>
      markdownSnippets(example, `${doc.declaredIn}:${doc.line} (${doc.name})`, 'examples').map((s, j) => ({
        ...s,
        line: doc.line,
        file: `${doc.name}-${i}-${j}.ts`,
      })),
    ),
  );
}

/** The repo's compiler options, with the package's name mapped to its sources. */
export function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return { ...parsed.options, noEmit: true, declaration: false, sourceMap: false, incremental: false };
}

/** A compiler error in a snippet, placed at the document line it comes from. */
export interface SnippetError {
  readonly where: string;
  readonly message: string;
}

/**
 * Type-checks the snippets together, each as a module in a scratch folder inside the repo (so packages
 * resolve from its node_modules), and returns the errors found in them. The folder is removed after.
 */
export function typeCheck(snippets: readonly Snippet[], reuse?: ts.Program): SnippetError[] {
  const scratch = mkdtempSync(join(root, 'node_modules', '.baton-snippets-'));
  try {
    const byPath = new Map<string, Snippet>();
    for (const snippet of snippets) {
      const path = join(scratch, snippet.group.replace(/[^\w-]+/g, '_'), snippet.file);
      mkdirSync(dirname(path), { recursive: true });
      // A block with no import or export is a script to TypeScript: make it a module, as a file would be.
      const isModule = /^\s*(import|export)\b/m.test(snippet.code);
      writeFileSync(path, isModule ? snippet.code : `${snippet.code}\nexport {};\n`);
      byPath.set(path, snippet);
    }
    // Reusing the entry points' program spares parsing the sources and their libraries a second time.
    const program = ts.createProgram(
      [...byPath.keys()],
      reuse?.getCompilerOptions() ?? compilerOptions(),
      undefined,
      reuse,
    );
    const errors: SnippetError[] = [];
    // Only the snippets' own diagnostics: the sources are the type check's to report, and checking
    // them all again here would take most of the time.
    const diagnostics = [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...[...byPath.keys()].flatMap((path) => {
        const file = program.getSourceFile(path);
        return file
          ? [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]
          : [];
      }),
    ];
    for (const diagnostic of diagnostics) {
      const file = diagnostic.file?.fileName;
      const snippet = file === undefined ? undefined : byPath.get(resolve(file));
      if (file !== undefined && !snippet) continue; // an error in the sources is the type check's to report
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      if (!snippet || diagnostic.file === undefined || diagnostic.start === undefined) {
        errors.push({ where: 'program', message });
        continue;
      }
      const at = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      const isMarkdown = snippet.source.endsWith('.md');
      errors.push({
        where: isMarkdown
          ? `${snippet.source}:${snippet.line + 1 + at.line}`
          : `${snippet.source}, line ${at.line + 1} of the example`,
        message,
      });
    }
    return errors;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Every snippet of the docs, README first. */
export function documentSnippets(): Snippet[] {
  return documents().flatMap((doc) =>
    markdownSnippets(readFileSync(join(root, doc), 'utf8'), doc, doc.replace(/\.md$/, '')),
  );
}
