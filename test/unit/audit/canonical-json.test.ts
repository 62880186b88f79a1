import { expect } from 'chai';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { fastCanonicalize } from '../../../src/audit/canonical-json.js';

/** The library's answer, or the fact that it threw. */
function outcome(serialize: (value: unknown) => string | undefined, value: unknown): string {
  try {
    return `ok:${String(serialize(value))}`;
  } catch {
    return 'threw';
  }
}

describe('fast RFC 8785 serialisation', () => {
  it('when given any JSON value, including lone surrogates, then it writes exactly what canonicalize writes (property)', () => {
    const text = fc.string({ unit: 'binary' });
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.double(),
        fc.integer(),
        text,
        fc.array(tie('value')),
        fc.dictionary(text, tie('value')),
      ),
    })).value;
    fc.assert(
      fc.property(json, (value) => outcome(fastCanonicalize, value) === outcome(canonicalize, value)),
      { numRuns: 2000 },
    );
  });

  it('when given values JSON cannot hold, then it behaves as canonicalize (property)', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBoxedValues: true, withSparseArray: true, withNullPrototype: true }),
        (value) => {
          return outcome(fastCanonicalize, value) === outcome(canonicalize, value);
        },
      ),
      { numRuns: 2000 },
    );
  });

  const cases: Array<[string, unknown]> = [
    ['a Date (toJSON)', { at: new Date(Date.UTC(2026, 0, 1)) }],
    ['undefined and symbol members', { a: undefined, b: Symbol('x'), c: [undefined, 1] }],
    ['a sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays
    ['a function member', { f: () => 1 }],
    ['non-finite numbers', { n: Number.NaN }],
    ['a lone surrogate key', { '\ud800': 1 }],
    ['deep nesting', JSON.parse(`${'['.repeat(200)}1${']'.repeat(200)}`) as unknown],
  ];
  for (const [name, value] of cases) {
    it(`when given ${name}, then it agrees with canonicalize`, () => {
      expect(outcome(fastCanonicalize, value)).to.equal(outcome(canonicalize, value));
    });
  }

  it('when a structure is circular, then it throws as canonicalize does', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = { back: loop };
    expect(() => fastCanonicalize(loop)).to.throw('Circular reference detected');
  });
});
