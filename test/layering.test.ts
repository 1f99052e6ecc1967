import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LAYERS = ['contracts', 'agents', 'machines', 'runtime'] as const;
const rank = (layer: string) => LAYERS.indexOf(layer as (typeof LAYERS)[number]);

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

function imports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [
    ...text.matchAll(
      /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ].map((m) => (m[1] ?? m[2])!);
}

const files = LAYERS.flatMap((layer) => sources(layer).map((file) => ({ file, layer })));

describe('layering', () => {
  it('finds the source files it checks', () => {
    for (const layer of LAYERS)
      expect(
        files.some((f) => f.layer === layer),
        layer,
      ).toBe(true);
  });

  it('imports point one way: contracts ← agents ← machines ← runtime', () => {
    const wrong: string[] = [];
    for (const { file, layer } of files) {
      for (const spec of imports(file)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(root, resolve(root, dirname(file), spec)).split('/')[0]!;
        if (rank(target) === -1) wrong.push(`${file} imports ${spec}, outside the layers`);
        else if (rank(target) > rank(layer)) wrong.push(`${file} (${layer}) imports ${spec} (${target})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('imports each provider SDK only from its provider module', () => {
    const wrong: string[] = [];
    for (const { file } of files) {
      for (const spec of imports(file)) {
        if (spec === 'openai' || spec.startsWith('openai/')) {
          if (!/^agents\/providers\/openai/.test(file)) wrong.push(`${file} imports ${spec}`);
        }
        if (spec.startsWith('@anthropic-ai/')) {
          if (!/^agents\/providers\/anthropic/.test(file)) wrong.push(`${file} imports ${spec}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('reads no clock, randomness, environment or console below runtime/', () => {
    const wrong: string[] = [];
    for (const { file, layer } of files) {
      if (layer === 'runtime') continue;
      const text = readFileSync(join(root, file), 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
      for (const banned of ['Date.now(', 'new Date(', 'Math.random(', 'process.env', 'console.']) {
        if (text.includes(banned)) wrong.push(`${file} uses ${banned}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
