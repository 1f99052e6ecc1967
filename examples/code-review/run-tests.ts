import type { Patch, TestCase } from './contracts.js';

// The deterministic test runner: evaluates a patch's body, an arithmetic expression of `a` and `b`, on
// each test case. It parses the expression itself (numbers, a, b, + - * / and parentheses) and never
// runs the patch as code.

type Token = { kind: 'num'; value: number } | { kind: 'var'; name: 'a' | 'b' } | { kind: 'op'; op: string };

function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d+)?)|([ab])\b|([-+*/()]))/y;
  let at = 0;
  while (at < body.length) {
    if (/^\s*$/.test(body.slice(at))) break;
    pattern.lastIndex = at;
    const match = pattern.exec(body);
    if (!match) throw new Error(`cannot read "${body.slice(at).trim()}"`);
    if (match[1] !== undefined) tokens.push({ kind: 'num', value: Number(match[1]) });
    else if (match[2] !== undefined) tokens.push({ kind: 'var', name: match[2] as 'a' | 'b' });
    else tokens.push({ kind: 'op', op: match[3] ?? '' });
    at = pattern.lastIndex;
  }
  return tokens;
}

/** Evaluates the expression for `a` and `b`: sums of products of factors, left to right. */
export function evaluate(body: string, a: number, b: number): number {
  const tokens = tokenize(body);
  let i = 0;
  const peek = () => tokens[i];
  const factor = (): number => {
    const token = tokens[i++];
    if (!token) throw new Error('the expression ends too early');
    if (token.kind === 'num') return token.value;
    if (token.kind === 'var') return token.name === 'a' ? a : b;
    if (token.op === '-') return -factor();
    if (token.op === '(') {
      const value = sum();
      const close = tokens[i++];
      if (close?.kind !== 'op' || close.op !== ')') throw new Error('a parenthesis is not closed');
      return value;
    }
    throw new Error(`unexpected "${token.op}"`);
  };
  const product = (): number => {
    let value = factor();
    for (let t = peek(); t?.kind === 'op' && (t.op === '*' || t.op === '/'); t = peek()) {
      i++;
      value = t.op === '*' ? value * factor() : value / factor();
    }
    return value;
  };
  const sum = (): number => {
    let value = product();
    for (let t = peek(); t?.kind === 'op' && (t.op === '+' || t.op === '-'); t = peek()) {
      i++;
      value = t.op === '+' ? value + product() : value - product();
    }
    return value;
  };
  const value = sum();
  if (i < tokens.length) throw new Error('the expression has more after its end');
  return value;
}

/** Runs the tests on the patch: `true` when all pass, else the failures, one per line. */
export function runTests(patch: Patch, tests: readonly TestCase[]): true | string {
  const failures: string[] = [];
  for (const { a, b, expected } of tests) {
    let got: number;
    try {
      got = evaluate(patch.body, a, b);
    } catch (error) {
      return `${patch.name} does not parse: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (got !== expected) failures.push(`${patch.name}(${a}, ${b}) returned ${got}, expected ${expected}`);
  }
  return failures.length === 0 ? true : failures.join('; ');
}
