import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { checkCompatible, type Incompatibility } from '../../contracts/compat.js';

/** The first incompatibility found, or undefined when the producer fits. */
function firstIssue(producer: object, consumer: object): Incompatibility | undefined {
  const result = checkCompatible(producer, consumer);
  return result.ok ? undefined : result.first;
}

/** Expects the first incompatibility at `path` with a message containing `text`. */
function expectIssue(producer: object, consumer: object, path: string, text: string): void {
  expect(firstIssue(producer, consumer)).toEqual({ path, message: expect.stringContaining(text) });
}

function expectFits(producer: object, consumer: object): void {
  expect(checkCompatible(producer, consumer)).toEqual({ ok: true });
}

describe('checkCompatible: trivial schemas', () => {
  it('accepts any producer when the consumer is {} or true', () => {
    expectFits(Type.Object({ a: Type.String() }), {});
    expectFits(
      { type: 'object', properties: { a: { type: 'number' } } },
      { type: 'object', properties: { a: true } },
    );
  });

  it('rejects a producer without a type when the consumer constrains the type', () => {
    expectIssue({}, Type.String(), '', 'no "type"');
  });

  it('accepts a producer that accepts nothing', () => {
    expectFits(Type.Never(), Type.String());
    expectFits(
      { type: 'object', properties: { a: false } },
      { type: 'object', properties: { a: Type.Number() } },
    );
  });

  it('rejects a producer value where the consumer accepts none', () => {
    expectIssue(
      Type.Object({ a: Type.String() }),
      { type: 'object', properties: { a: false } },
      '/a',
      'the consumer accepts none',
    );
  });

  it('accepts deeply equal schemas even with keywords it does not understand', () => {
    const schema = () => ({
      type: 'object',
      properties: { a: { type: 'string' } },
      unevaluatedProperties: false,
    });
    expectFits(schema(), schema());
    expectIssue(
      { ...schema(), properties: { a: { type: 'string' }, b: { type: 'string' } } },
      schema(),
      '',
      'keyword "unevaluatedProperties" is not understood',
    );
  });

  it('ignores annotations', () => {
    expectFits(
      { type: 'string', title: 'Name', $comment: 'x', examples: ['a'] },
      {
        type: 'string',
        description: 'The name',
        default: 'b',
        $schema: 'https://json-schema.org/draft/2020-12/schema',
      },
    );
    expectIssue({ type: 'string', title: 'Name' }, { type: 'number', title: 'Name' }, '', 'string values');
  });
});

describe('checkCompatible: type', () => {
  it('accepts integers where numbers are expected', () => {
    expectFits(Type.Integer(), Type.Number());
  });

  it('rejects numbers where integers are expected', () => {
    expectIssue(
      Type.Number(),
      Type.Integer(),
      '',
      'may send number values, but the consumer accepts only integer',
    );
  });

  it('accepts a type list inside a wider type list', () => {
    expectFits({ type: ['string', 'null'] }, { type: ['null', 'string', 'number'] });
  });

  it('rejects a type list with a type the consumer lacks', () => {
    expectIssue({ type: ['string', 'null'] }, Type.String(), '', 'may send null values');
  });
});

describe('checkCompatible: const and enum', () => {
  it('accepts literals that are all among the consumer enum', () => {
    const producer = Type.Union([Type.Literal('x'), Type.Literal('y')]);
    expectFits(producer, { type: 'string', enum: ['x', 'y', 'z'] });
    expectFits(producer, Type.String({ maxLength: 1 }));
  });

  it('rejects a literal the consumer does not list', () => {
    const producer = Type.Union([Type.Literal('x'), Type.Literal('w')]);
    expectIssue(producer, { enum: ['x', 'y'] }, '', 'may send "w"');
  });

  it('rejects a plain type where the consumer lists values', () => {
    expectIssue(Type.String(), Type.Union([Type.Literal('x'), Type.Literal('y')]), '', 'fits none');
    expectIssue(Type.String(), { type: 'string', enum: ['x'] }, '', 'accepts only ["x"]');
  });

  it('checks each value of a boolean producer against a const consumer', () => {
    expectFits(Type.Boolean(), { type: 'boolean', enum: [false, true] });
    expectIssue(Type.Boolean(), Type.Literal(true), '', 'may send false');
  });
});

describe('checkCompatible: objects', () => {
  it('accepts a producer that requires what the consumer requires', () => {
    expectFits(Type.Object({ a: Type.String(), b: Type.Number() }), Type.Object({ a: Type.String() }));
  });

  it('rejects an optional producer property that the consumer requires', () => {
    const producer = Type.Object({ a: Type.String(), b: Type.Optional(Type.Number()) });
    expectIssue(producer, Type.Object({ a: Type.String(), b: Type.Number() }), '/b', 'requires property "b"');
  });

  it('rejects a property the producer does not declare at all when the consumer requires it', () => {
    expectIssue(
      Type.Object({}),
      Type.Object({ id: Type.String() }),
      '/id',
      `add "id" to the producer's properties`,
    );
  });

  it('recurses into properties and reports the path into the value', () => {
    const producer = Type.Object({ items: Type.Array(Type.Object({ price: Type.Number() })) });
    expectFits(producer, Type.Object({ items: Type.Array(Type.Object({ price: Type.Number({}) })) }));
    expectIssue(
      producer,
      Type.Object({ items: Type.Array(Type.Object({ price: Type.Integer() })) }),
      '/items/0/price',
      'number values',
    );
  });

  it('escapes property names in paths', () => {
    expectIssue(
      Type.Object({ 'a/b': Type.String() }),
      Type.Object({ 'a/b': Type.Number() }),
      '/a~1b',
      'string values',
    );
  });

  it('rejects an optional consumer property the producer could fill with anything', () => {
    const consumer = Type.Object({ a: Type.String(), c: Type.Optional(Type.String()) });
    expectIssue(Type.Object({ a: Type.String() }), consumer, '/c', 'does not declare property "c"');
    expectFits(Type.Object({ a: Type.String() }, { additionalProperties: false }), consumer);
  });

  it('requires a closed producer when the consumer forbids additional properties', () => {
    const consumer = Type.Object(
      { a: Type.String(), b: Type.Optional(Type.Number()) },
      { additionalProperties: false },
    );
    expectFits(Type.Object({ a: Type.String() }, { additionalProperties: false }), consumer);
    const open = Type.Object({ a: Type.String() });
    expectIssue(
      open,
      Type.Object({ a: Type.String() }, { additionalProperties: false }),
      '',
      'additionalProperties: false',
    );
  });

  it('rejects a producer property outside a closed consumer', () => {
    const consumer = Type.Object({ a: Type.String() }, { additionalProperties: false });
    const producer = Type.Object({ a: Type.String(), z: Type.String() }, { additionalProperties: false });
    expectIssue(producer, consumer, '/z', 'may send property "z", which the consumer does not allow');
  });

  it("fits the producer's extra properties to the consumer's additionalProperties schema", () => {
    const consumer = {
      type: 'object',
      properties: { a: { type: 'string' } },
      additionalProperties: { type: 'number' },
    };
    const closed = { additionalProperties: false };
    expectFits(Type.Object({ a: Type.String(), n: Type.Integer() }, closed), consumer);
    expectIssue(
      Type.Object({ a: Type.String(), n: Type.String() }, closed),
      consumer,
      '/n',
      'may send string values',
    );
  });

  it('compares records by their patterns', () => {
    expectFits(Type.Record(Type.String(), Type.Integer()), Type.Record(Type.String(), Type.Number()));
    expectIssue(
      Type.Record(Type.String(), Type.Number()),
      Type.Record(Type.String(), Type.Integer()),
      '',
      'patternProperties "^.*$"',
    );
  });

  it('keeps the producer within minProperties and maxProperties', () => {
    const producer = Type.Object({ a: Type.String(), b: Type.String() }, { additionalProperties: false });
    expectFits(producer, { type: 'object', minProperties: 2, maxProperties: 2 });
    expectIssue(producer, { type: 'object', minProperties: 3 }, '', 'fewer than 3 properties');
  });
});

describe('checkCompatible: arrays', () => {
  it('recurses into items', () => {
    expectFits(Type.Array(Type.Integer()), Type.Array(Type.Number()));
    expectIssue(Type.Array(Type.Number()), Type.Array(Type.String()), '/0', 'may send number values');
  });

  it('keeps the producer length range within the consumer range', () => {
    expectFits(
      Type.Array(Type.String(), { minItems: 1, maxItems: 3 }),
      Type.Array(Type.String(), { maxItems: 5 }),
    );
    expectIssue(
      Type.Array(Type.String()),
      Type.Array(Type.String(), { maxItems: 5 }),
      '',
      'more than 5 items',
    );
    expectIssue(
      Type.Array(Type.String()),
      Type.Array(Type.String(), { minItems: 1 }),
      '',
      'fewer than 1 items',
    );
  });

  it('checks tuples position by position', () => {
    const pair = Type.Tuple([Type.String(), Type.Integer()]);
    expectFits(pair, Type.Array(Type.Union([Type.String(), Type.Number()])));
    expectFits(pair, { type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'number' } });
    expectIssue(pair, Type.Tuple([Type.String(), Type.String()]), '/1', 'may send integer values');
  });

  it('rejects a tuple longer than the consumer tuple', () => {
    const consumer = Type.Tuple([Type.String()]);
    expectFits(Type.Tuple([Type.String()]), Type.Array(Type.String(), { maxItems: 1 }));
    expectIssue(Type.Tuple([Type.String(), Type.String()]), consumer, '/1', 'allows at most 1 items');
  });

  it('requires unique items when the consumer does', () => {
    expectFits(
      Type.Array(Type.String(), { uniqueItems: true }),
      Type.Array(Type.String(), { uniqueItems: true }),
    );
    expectIssue(
      Type.Array(Type.String()),
      Type.Array(Type.String(), { uniqueItems: true }),
      '',
      'unique items',
    );
  });
});

describe('checkCompatible: numbers and strings', () => {
  it('accepts a producer range inside the consumer range', () => {
    expectFits(Type.Integer({ minimum: 1, maximum: 10 }), Type.Number({ minimum: 0, maximum: 10 }));
    expectFits(Type.Number({ exclusiveMinimum: 0 }), Type.Number({ minimum: 0 }));
    expectFits(Type.Integer({ exclusiveMinimum: 0 }), Type.Integer({ minimum: 1 }));
  });

  it('rejects a missing or wider producer bound', () => {
    expectIssue(
      Type.Number(),
      Type.Number({ minimum: 0 }),
      '',
      'no lower bound, but the consumer requires >= 0',
    );
    expectIssue(Type.Number({ minimum: 0 }), Type.Number({ exclusiveMinimum: 0 }), '', 'requires > 0');
    expectIssue(Type.Number({ maximum: 11 }), Type.Number({ maximum: 10 }), '', '<= 11');
  });

  it('checks multipleOf by divisibility', () => {
    expectFits(Type.Number({ multipleOf: 10 }), Type.Number({ multipleOf: 5 }));
    expectFits(Type.Integer(), Type.Number({ multipleOf: 0.5 }));
    expectIssue(Type.Number({ multipleOf: 5 }), Type.Number({ multipleOf: 10 }), '', 'not multiples of 10');
  });

  it('keeps string lengths within the consumer lengths', () => {
    expectFits(Type.String({ minLength: 2, maxLength: 5 }), Type.String({ minLength: 1, maxLength: 5 }));
    expectIssue(
      Type.String({ minLength: 2 }),
      Type.String({ minLength: 1, maxLength: 5 }),
      '',
      'longer than 5',
    );
    expectIssue(Type.String(), Type.String({ minLength: 1 }), '', 'shorter than 1');
  });

  it('requires the same pattern and format', () => {
    expectFits(Type.String({ pattern: '^[a-z]+$' }), Type.String({ pattern: '^[a-z]+$' }));
    expectFits(Type.String({ format: 'email', maxLength: 9 }), Type.String({ format: 'email' }));
    expectIssue(
      Type.String({ pattern: '^[a-z]+$' }),
      Type.String({ pattern: '^[a-z]*$' }),
      '',
      'the different pattern',
    );
    expectIssue(Type.String(), Type.String({ format: 'email' }), '', 'format "email"');
  });
});

describe('checkCompatible: anyOf, oneOf, allOf', () => {
  it('requires every producer branch to fit', () => {
    const producer = Type.Union([Type.String(), Type.Number()]);
    expectFits(producer, Type.Union([Type.Number(), Type.String(), Type.Null()]));
    expectIssue(producer, Type.String(), '', 'producer anyOf branch 1');
  });

  it('requires the producer to fit one consumer branch', () => {
    const consumer = Type.Union([
      Type.Object({ kind: Type.Literal('a') }),
      Type.Object({ kind: Type.Literal('b') }),
    ]);
    expectFits(Type.Object({ kind: Type.Literal('b'), extra: Type.Number() }), consumer);
    expectIssue(Type.Object({ kind: Type.Literal('c') }), consumer, '', 'fits none of the consumer');
  });

  it('requires a consumer oneOf branch that excludes the others', () => {
    const tagged = (tag: string) => ({
      type: 'object',
      required: ['kind'],
      properties: { kind: { const: tag } },
    });
    expectFits(Type.Object({ kind: Type.Literal('a') }), { oneOf: [tagged('a'), tagged('b')] });
    expectIssue(
      Type.Integer(),
      { oneOf: [{ type: 'number' }, { type: 'integer' }] },
      '',
      'may also match branch',
    );
  });

  it('requires the producer to fit every consumer allOf member', () => {
    const consumer = Type.Intersect([Type.Object({ a: Type.String() }), Type.Object({ b: Type.Number() })]);
    expectFits(Type.Object({ a: Type.String(), b: Type.Integer() }), consumer);
    expectIssue(Type.Object({ a: Type.String(), b: Type.String() }), consumer, '/b', 'string values');
  });

  it("merges the producer's allOf members before checking", () => {
    const producer = Type.Intersect([Type.Object({ a: Type.String() }), Type.Object({ b: Type.Number() })]);
    expectFits(producer, Type.Object({ a: Type.String(), b: Type.Number() }));
    expectIssue(producer, Type.Object({ a: Type.String(), b: Type.Integer() }), '/b', 'number values');
  });

  it('accepts an unmergeable producer allOf when one member fits alone', () => {
    const closed = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false };
    const producer = { allOf: [closed, { type: 'object', properties: { b: { type: 'number' } } }] };
    expectFits(producer, closed);
    expectIssue(producer, { type: 'object', required: ['a'] }, '/a', 'no member fits alone');
  });
});

describe('checkCompatible: keywords it does not understand', () => {
  it('reports a consumer keyword it cannot reason about', () => {
    const consumer = {
      type: 'object',
      properties: { a: { type: 'string' } },
      dependentRequired: { a: ['b'] },
    };
    expectIssue(
      { type: 'object', properties: { a: { type: 'string' } } },
      consumer,
      '',
      'keyword "dependentRequired" is not understood',
    );
    expectIssue(
      Type.String(),
      { type: 'string', nullable: true },
      '',
      'keyword "nullable" is not understood',
    );
  });

  it('accepts an if/then/else group the producer has too', () => {
    // Built from entries: an object literal with a `then` key looks like a thenable to the linter.
    const conditional = Object.fromEntries([
      ['if', { required: ['a'] }],
      ['then', { required: ['b'] }],
    ]);
    expectFits({ type: 'object', ...conditional, minProperties: 1 }, { type: 'object', ...conditional });
    expectIssue({ type: 'object' }, { type: 'object', ...conditional }, '', 'keyword "if" is not understood');
  });

  it('accepts a consumer not when the producer cannot match it', () => {
    expectFits(Type.String(), { not: { type: 'number' } });
    expectFits(
      { type: 'object', not: { required: ['a'] } },
      { not: { type: 'object', required: ['a', 'b'] } },
    );
    expectIssue(
      Type.String(),
      { not: { type: 'string', maxLength: 2 } },
      '',
      'keyword "not" is not understood',
    );
  });

  it('follows local $ref pointers', () => {
    const money = (type: string) => ({
      $defs: { Money: { type } },
      type: 'object',
      properties: { price: { $ref: '#/$defs/Money' } },
    });
    expectFits(money('integer'), money('number'));
    expectIssue(money('number'), money('integer'), '/price', 'number values');
  });

  it('follows recursive TypeBox schemas', () => {
    const list = (value: Parameters<typeof Type.Array>[0]) =>
      Type.Cyclic({ Node: Type.Object({ value, next: Type.Optional(Type.Ref('Node')) }) }, 'Node');
    expectFits(list(Type.Integer()), list(Type.Number()));
    expectIssue(list(Type.Number()), list(Type.Integer()), '/value', 'number values');
  });

  it('reports a reference loop that never reaches a schema', () => {
    const loop = { $defs: { A: { $ref: '#/$defs/B' }, B: { $ref: '#/$defs/A' } }, $ref: '#/$defs/A' };
    expectIssue(loop, Type.String(), '', 'refer to themselves');
  });

  it('reports a $ref it cannot follow', () => {
    const consumer = { type: 'object', properties: { a: { $ref: 'https://example.com/a.json' } } };
    expectIssue(Type.Object({ a: Type.String() }), consumer, '/a', 'keyword "$ref" is not understood');
  });
});

describe('checkCompatible: reporting', () => {
  it('reports every incompatibility in document order', () => {
    const producer = Type.Object({ a: Type.Number(), b: Type.Optional(Type.String()), c: Type.String() });
    const consumer = Type.Object({ a: Type.String(), b: Type.String(), c: Type.String({ minLength: 1 }) });
    const result = checkCompatible(producer, consumer);
    expect(result.ok ? [] : result.all.map((issue) => issue.path)).toEqual(['/a', '/b', '/c']);
  });

  it('stops at 20 incompatibilities', () => {
    const names = Array.from({ length: 30 }, (_, i) => `p${i}`);
    const producer = Type.Object(Object.fromEntries(names.map((n) => [n, Type.Number()])));
    const consumer = Type.Object(Object.fromEntries(names.map((n) => [n, Type.String()])));
    const result = checkCompatible(producer, consumer);
    expect(result.ok ? 0 : result.all.length).toBe(20);
  });
});
