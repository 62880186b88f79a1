import { expect } from 'chai';
import fc from 'fast-check';
import {
  derivedClocks,
  fromSpec,
  type ClockFactInput,
  type IncidentClock,
  type RecordedObligation,
} from '../../../src/clocks/index.js';
import type { ClockSpec } from '../../../src/triage/index.js';

const T0 = new Date('2026-03-01T00:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const by = { userId: 'u', role: 'responder', bureauId: null };

function spec(key: string, overrides: Partial<ClockSpec> = {}): ClockSpec {
  return {
    key,
    name: key,
    regime: 'HK-GOV',
    obligation: `report.${key}`,
    startsFrom: 'aware',
    startsAt: T0,
    durationSeconds: 3600,
    warnBeforeSeconds: 600,
    dueAt: at(60),
    warnAt: at(50),
    ...overrides,
  };
}

/** Pending until its start event: no start time, no due time. */
const pending = (key: string, startsFrom: ClockSpec['startsFrom'], extra: Partial<ClockSpec> = {}) =>
  fromSpec(spec(key, { startsFrom, startsAt: undefined, dueAt: undefined, warnAt: undefined, ...extra }));

const CLOCKS: IncidentClock[] = [
  fromSpec(spec('initial')),
  fromSpec(spec('interim', { repeat: { everySeconds: 3600, until: 'closed' } })),
  fromSpec(spec('recovery', { repeat: { everySeconds: 3600, until: 'service_restored' } })),
  pending('after-containment', 'contained'),
  pending('post-incident', 'resolved'),
];

const facts = (over: Partial<ClockFactInput> = {}): ClockFactInput => ({
  status: 'investigating',
  obligations: [],
  appliedObligations: 0,
  milestones: {},
  times: {},
  notApplicable: {},
  ...over,
});
const derive = (clocks: IncidentClock[], input: ClockFactInput) =>
  derivedClocks({ clocks, decided: null, facts: input }, new Map());
const byKey = (clocks: IncidentClock[], key: string) => clocks.find((c) => c.key === key)!;

describe('Clocks derived from the facts the workflow records (issue 16 item 3)', () => {
  it('when containment is recorded, then the clocks counting from it start at the bureau’s containment time, else at the milestone', () => {
    const own = derive(CLOCKS, facts({ milestones: { contained: at(30) }, times: { containedAt: at(20) } }));
    expect(byKey(own, 'after-containment').state).to.equal('running');
    expect(byKey(own, 'after-containment').startsAt).to.deep.equal(at(20));
    const milestone = derive(CLOCKS, facts({ milestones: { contained: at(30) } }));
    expect(byKey(milestone, 'after-containment').startsAt).to.deep.equal(at(30));
    expect(byKey(milestone, 'post-incident').state).to.equal('pending');
  });

  it('when recovery is recorded, then the post-incident report counts from resolution and the recovery repeats stop', () => {
    const clocks = derive(
      CLOCKS,
      facts({ status: 'recovered', milestones: { contained: at(10), recovered: at(40) } }),
    );
    expect(byKey(clocks, 'post-incident').state).to.equal('running');
    expect(byKey(clocks, 'post-incident').startsAt).to.deep.equal(at(40));
    expect(byKey(clocks, 'recovery').state).to.equal('not_applicable');
    expect(byKey(clocks, 'interim').state).to.equal('running');
  });

  it('when the incident is closed, then no clock runs or waits, and the reasons given stay on theirs', () => {
    const clocks = derive(
      CLOCKS,
      facts({
        status: 'closed',
        milestones: { contained: at(10), recovered: at(40), closed: at(50) },
        notApplicable: { initial: 'reported by phone outside the system' },
      }),
    );
    expect(clocks.map((c) => c.state)).to.not.include.members(['running', 'pending']);
    expect(byKey(clocks, 'initial').notApplicable).to.deep.equal({
      reason: 'reported by phone outside the system',
      at: at(50),
    });
  });

  it('when rejected or merged, then every clock not finished is abandoned', () => {
    for (const status of ['rejected', 'duplicate']) {
      const clocks = derive(CLOCKS, facts({ status }));
      expect(
        clocks.map((c) => c.state),
        status,
      ).to.deep.equal(Array(CLOCKS.length).fill('not_applicable'));
    }
  });

  it('when an obligation is taken in, then a repeating clock moves to its next occurrence once, however often the clocks are derived again', () => {
    const obligations: RecordedObligation[] = [{ obligation: 'report.interim', at: at(30), recordedBy: by }];
    const once = derive(CLOCKS, facts({ obligations }));
    expect(byKey(once, 'interim').occurrence).to.equal(1);
    const again = derive(once, facts({ obligations, appliedObligations: 1 }));
    expect(again).to.deep.equal(once);
  });

  it('when an obligation and a milestone are both not taken in yet, then they apply in time order', () => {
    // The report of the clock counting from containment is recorded after containment: it meets it.
    const clocks = derive(
      CLOCKS,
      facts({
        milestones: { contained: at(10) },
        obligations: [{ obligation: 'report.after-containment', at: at(20), recordedBy: by }],
      }),
    );
    expect(byKey(clocks, 'after-containment').state).to.equal('met');
  });

  it('for any facts, deriving the clocks from their own result with everything taken in changes nothing', () => {
    const minute = fc.integer({ min: 1, max: 600 });
    fc.assert(
      fc.property(
        fc.record({
          contained: fc.option(minute, { nil: undefined }),
          recovered: fc.option(minute, { nil: undefined }),
          reports: fc.array(
            fc.record({
              key: fc.constantFrom('initial', 'interim', 'after-containment', 'post-incident'),
              at: minute,
            }),
            { maxLength: 6 },
          ),
          status: fc.constantFrom('investigating', 'contained', 'recovered', 'closed', 'rejected'),
        }),
        (r) => {
          const input = facts({
            status: r.status,
            milestones: {
              ...(r.contained === undefined ? {} : { contained: at(r.contained) }),
              ...(r.recovered === undefined ? {} : { recovered: at(r.recovered) }),
            },
            obligations: r.reports.map((o) => ({
              obligation: `report.${o.key}`,
              at: at(o.at),
              recordedBy: by,
            })),
          });
          const first = derive(CLOCKS, input);
          const second = derive(first, { ...input, appliedObligations: input.obligations.length });
          expect(second).to.deep.equal(first);
        },
      ),
      { numRuns: 200 },
    );
  });
});
