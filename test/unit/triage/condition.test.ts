import { expect } from 'chai';
import { INPUT_FIELDS } from '../../../src/triage/condition-fields.js';
import { matches, describeCondition } from '../../../src/triage/condition.evaluator.js';
import { conditionSchema } from '../../../src/triage/condition.schema.js';
import { parseDuration, formatDuration } from '../../../src/triage/index.js';
import { makeInput } from './triage-test.helpers.js';

const facts = {
  ...makeInput({ system: { tier: 2 }, assetsAffected: ['email', 'data'] }),
  activeRegimes: ['HK-GOV'],
};
const parse = (raw: unknown) => conditionSchema().parse(raw);

describe('conditions', () => {
  const cases: Array<[unknown, boolean]> = [
    [{ field: 'system.tier', equals: 2 }, true],
    [{ field: 'system.tier', gte: 3 }, false],
    [{ field: 'system.tier', lt: 3 }, true],
    [{ field: 'category', in: ['other', 'ransomware'] }, true],
    [{ field: 'category', notIn: ['other'] }, false],
    [{ field: 'assetsAffected', contains: 'data' }, true],
    [{ field: 'assetsAffected', containsAny: ['website', 'network'] }, false],
    [{ field: 'activeRegimes', contains: 'HK-GOV' }, true],
    [{ field: 'times.containedAt', exists: false }, true],
    [{ field: 'times.awareAt', exists: true }, true],
    [
      {
        all: [{ field: 'system.tier', equals: 2 }, { not: { field: 'functionalImpact', notEquals: 'none' } }],
      },
      true,
    ],
    [
      {
        any: [
          { field: 'flags.capSerious', equals: true },
          { field: 'relatedBureauxCount', gt: 0 },
        ],
      },
      false,
    ],
  ];
  for (const [raw, expected] of cases) {
    it(`when ${describeCondition(parse(raw))}, then it is ${String(expected)}`, () => {
      expect(matches(parse(raw), facts)).to.equal(expected);
    });
  }

  it('when a field name is an Object.prototype member, then it is rejected', () => {
    expect(conditionSchema().safeParse({ field: 'constructor', exists: true }).success).to.equal(false);
  });

  it('when TriageInput has a leaf field, then conditions can name it', () => {
    const leaves = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]: [string, unknown]) =>
        v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
          ? leaves(v, `${prefix}${k}.`)
          : [`${prefix}${k}`],
      );
    const full = makeInput({
      times: {
        occurredAt: '2026-03-01T00:00:00Z',
        discoveredAt: '2026-03-01T00:00:00Z',
        firstReportAt: '2026-03-01T00:00:00Z',
        containedAt: '2026-03-01T00:00:00Z',
        resolvedAt: '2026-03-01T00:00:00Z',
        classifiedMajorAt: '2026-03-01T00:00:00Z',
        ransomPaidAt: '2026-03-01T00:00:00Z',
      },
    });
    expect(leaves(full).sort()).to.deep.equal(Object.keys(INPUT_FIELDS).sort());
  });
});

describe('durations', () => {
  const cases: Array<[unknown, number | undefined]> = [
    ['90s', 90],
    ['15m', 900],
    ['48h', 172_800],
    ['14d', 1_209_600],
    ['1w', 604_800],
    ['1h30m', 5400],
    [30, 30],
    ['3 months', undefined],
    ['1mo', undefined],
    [-1, undefined],
    ['', undefined],
    [1.5, undefined],
  ];
  for (const [raw, seconds] of cases) {
    it(`when ${JSON.stringify(raw)}, then ${String(seconds)}`, () =>
      expect(parseDuration(raw)).to.equal(seconds));
  }
  it('when formatted, then it round-trips', () => {
    for (const s of [0, 59, 5400, 1_209_600, 7_689_600]) expect(parseDuration(formatDuration(s))).to.equal(s);
  });
});
