import { expect } from 'chai';
import fc from 'fast-check';
import {
  auditDraft,
  canonicalEventJson,
  canonicalJson,
  GENESIS_HASH,
  hashEvent,
  sealDrafts,
} from '../../../src/audit/index.js';
import { systemActor } from '../../../src/platform/index.js';

const draft = (n: number, data: Record<string, unknown> = {}) =>
  auditDraft(
    systemActor('unit'),
    'unit.step',
    { type: 'incident', id: 'inc-1' },
    { data: { n, ...data }, at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)) },
  );

describe('audit hashing and canonical form', () => {
  const cases: Array<[string, unknown, string]> = [
    ['sorts keys', { b: 1, a: 2 }, '{"a":2,"b":1}'],
    [
      'sorts nested keys, keeps array order',
      { z: [{ y: 1, x: 2 }], a: null },
      '{"a":null,"z":[{"x":2,"y":1}]}',
    ],
    ['writes numbers the ECMAScript way', { n: 1e21, m: 0.1, k: -0 }, '{"k":0,"m":0.1,"n":1e+21}'],
    ['escapes only what JSON must', { s: 'é"\u0001' }, '{"s":"é\\"\\u0001"}'],
  ];
  for (const [name, value, expected] of cases) {
    it(`canonical JSON ${name}`, () => {
      expect(canonicalJson(value)).to.equal(expected);
    });
  }

  it('when drafts are sealed, then each links to the previous hash from the genesis', () => {
    const events = sealDrafts({ seq: 0, hash: GENESIS_HASH }, [draft(1), draft(2)]);
    expect(events.map((event) => event.seq)).to.deep.equal([1, 2]);
    expect(events[0].prevHash).to.equal(GENESIS_HASH);
    expect(events[1].prevHash).to.equal(events[0].hash);
    expect(events[0].at).to.equal('2026-01-01T00:00:01.000Z');
  });

  it('when any field changes, then the hash changes (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (value, action) => {
        const [event] = sealDrafts({ seq: 0, hash: GENESIS_HASH }, [draft(1, { value })]);
        const edited = { ...event, action: `${event.action}${action}x` };
        return hashEvent(event) === event.hash && hashEvent(edited) !== event.hash;
      }),
    );
  });

  it('when an event goes through JSON and back with reordered keys, then it hashes the same (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const [event] = sealDrafts({ seq: 0, hash: GENESIS_HASH }, [draft(1, { value })]);
        const reordered = JSON.parse(
          JSON.stringify(Object.fromEntries(Object.entries(event).reverse())),
        ) as typeof event;
        return hashEvent(reordered) === event.hash;
      }),
    );
  });

  it('when the event canonical form is built field by field, then it equals canonicalize of the whole (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), fc.option(fc.string()), (value, action, bureauId) => {
        const [event] = sealDrafts({ seq: 0, hash: GENESIS_HASH }, [
          { ...draft(1, { value }), action, bureauId },
        ]);
        const { hash: _hash, ...body } = event;
        return canonicalEventJson(body) === canonicalJson(body);
      }),
    );
  });
});
