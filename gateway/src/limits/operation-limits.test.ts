import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkOperationLimits, measureOperation } from './operation-limits.js';

const limits = { maxDepth: 5, maxAliases: 2, maxCost: 100 };
const measure = (query: string, variables: Record<string, unknown> = {}) => measureOperation(parse(query), undefined, variables, 1_000_000)!;

describe('measureOperation', () => {
  it('counts depth and aliases through fragments and inline fragments', () => {
    expect(measure('{ a { ...F } } fragment F on T { b { ... on U { x: c { d } } } }')).toMatchObject({ depth: 4, aliases: 1, cost: 4 });
  });

  it('weighs fields under a list field by its `first`, from a literal or a variable', () => {
    expect(measure('{ items(first: 10) { id name } }').cost).toBe(21);
    expect(measure('query ($n: Int) { items(first: $n) { id tags(first: 3) { x } } }', { n: 10 }).cost).toBe(1 + 10 + 10 + 30);
  });

  it('survives fragment cycles and stops early on fragment bombs', () => {
    expect(measure('{ ...A } fragment A on Q { a ...A }').cost).toBe(1);
    const bomb = ['{ ...F0 }', ...Array.from({ length: 30 }, (_, i) => `fragment F${i} on Q { a: x { ...F${i + 1} } b: x { ...F${i + 1} } }`), 'fragment F30 on Q { z }'];
    expect(measureOperation(parse(bomb.join('\n')), undefined, {}, 5_000)).toMatchObject({ truncated: true });
  });
});

describe('checkOperationLimits', () => {
  const code = (query: string) => checkOperationLimits(parse(query), undefined, {}, limits)?.extensions.code;
  it('names the limit that was broken', () => {
    expect(code('{ a { b { c { d { e { f } } } } } }')).toBe('QUERY_TOO_DEEP');
    expect(code('{ x: a y: a z: a }')).toBe('TOO_MANY_ALIASES');
    expect(code('{ a(first: 50) { b c } }')).toBe('QUERY_TOO_COSTLY');
    expect(code('{ a(first: 10) { b c } }')).toBeUndefined();
  });
});
