import { expect } from 'chai';
import fc from 'fast-check';
import {
  factsOfNewIncident,
  dueEvents,
  eventKey,
  fromSpec,
  meetClocks,
  planClocks,
  reconcileClocks,
  stopClocks,
  MAX_CLOCK_HISTORY,
  MAX_ESCALATIONS,
  type IncidentClock,
} from '../../../src/clocks/index.js';
import type { ClockSpec, EscalationStep } from '../../../src/triage/index.js';

const T0 = new Date('2026-03-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function spec(overrides: Partial<ClockSpec> = {}): ClockSpec {
  return {
    key: 'hk-gov.initial-report',
    name: 'Initial report',
    regime: 'HK-GOV',
    obligation: 'report.giro.initial',
    startsFrom: 'aware',
    startsAt: T0,
    durationSeconds: 60,
    warnBeforeSeconds: 10,
    dueAt: at(60),
    warnAt: at(50),
    ...overrides,
  };
}

const LADDER: EscalationStep[] = [
  { key: 'l.1', ladder: 'l', level: 1, trigger: 'elapsed', afterSeconds: 15, notify: ['system-manager'] },
  {
    key: 'l.2',
    ladder: 'l',
    level: 2,
    trigger: 'elapsed',
    afterSeconds: 30,
    notify: ['incident-response-manager'],
  },
  {
    key: 'l.3',
    ladder: 'l',
    level: 3,
    trigger: 'elapsed',
    afterSeconds: 60,
    repeatEverySeconds: 30,
    notify: ['isirt-commander'],
  },
  {
    key: 'l.b',
    ladder: 'l',
    level: 0,
    trigger: 'clock_breach',
    afterSeconds: 0,
    notify: ['cert-lead', 'duty-officer'],
  },
];

const input = (clocks: IncidentClock[], done: string[] = []) => ({
  clocks,
  decided: null,
  clockEvents: done,
  clockTimers: [],
  facts: factsOfNewIncident(),
  ladder: LADDER,
  severity: 'S1',
  open: true,
});

describe('clock rules', () => {
  it('when the due time passes unmet, then the breach goes to the breach tiers and the ladder follows from the due time', () => {
    const clock = fromSpec(spec());
    const events = dueEvents(
      clock,
      { incidentId: 'x', severity: 'S1', ladder: LADDER, open: true, done: new Set() },
      at(60 + 31),
    );
    expect(events.map((e) => [e.kind, e.step, e.notify.join('+')])).to.deep.equal([
      ['breach', 0, 'cert-lead+duty-officer'],
      ['escalation', 1, 'system-manager'],
      ['escalation', 2, 'incident-response-manager'],
    ]);
  });

  it('when met on time, then no event ever follows; when met late, it stays breached with its metAt', () => {
    const onTime = meetClocks([fromSpec(spec())], 'report.giro.initial', at(59)).clocks[0];
    expect(onTime.state).to.equal('met');
    expect(planClocks(input([onTime]), at(10_000)).events).to.deep.equal([]);
    const late = meetClocks([fromSpec(spec())], 'report.giro.initial', at(61)).clocks[0];
    expect(late.state).to.equal('breached');
    expect(late.metAt).to.deep.equal(at(61));
  });

  it('when a repeating clock is met, then the next occurrence runs every N from the report', () => {
    const clock = fromSpec(spec({ repeat: { everySeconds: 100, until: 'closed' } }));
    const next = meetClocks([clock], 'report.giro.initial', at(40)).clocks[0];
    expect(next).to.include({ state: 'running', occurrence: 1 });
    expect(next.dueAt).to.deep.equal(at(140));
    expect(next.history?.[0]?.state).to.equal('met');
    expect(stopClocks([next], 'closed')[0]?.state).to.equal('not_applicable');
    expect(stopClocks([fromSpec(spec())], 'closed')[0]?.state, 'non-repeating keeps running').to.equal(
      'running',
    );
  });

  it('when triage rewrites the clocks as bare specs, then progress is carried over from the ledger', () => {
    const met = meetClocks([fromSpec(spec())], 'report.giro.initial', at(5)).clocks;
    const running = fromSpec(
      spec({ key: 'hk-gov.ack', startsFrom: 'triaged', obligation: 'incident.acknowledge' }),
    );
    const ledger = [...met, running];
    const retriaged = [
      spec({ durationSeconds: 30, dueAt: at(30) }),
      spec({
        key: 'hk-gov.ack',
        startsFrom: 'triaged',
        obligation: 'incident.acknowledge',
        startsAt: at(500),
        durationSeconds: 20,
      }),
    ];
    const out = reconcileClocks(retriaged, ledger, []);
    expect(out[0]?.state).to.equal('met');
    expect(out[1]?.startsAt, 'a triage-started clock keeps its first start').to.deep.equal(T0);
    expect(out[1]?.dueAt, 'with the new duration').to.deep.equal(at(20));
  });

  it('for any order of catch-up times, each event happens exactly once and steps are 0..n', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 20 }), (times) => {
        let clocks = [fromSpec(spec())];
        let done: string[] = [];
        const seen: string[] = [];
        for (const t of [...times].sort((a, b) => a - b)) {
          const plan = planClocks(input(clocks, done), at(t));
          seen.push(...plan.events.map((e) => e.key));
          clocks = plan.clocks;
          done = plan.clockEvents;
        }
        expect(new Set(seen).size).to.equal(seen.length);
        // An entry standing for several missed reminders covers the steps up to its own.
        const steps = clocks[0].escalations.flatMap((e) =>
          Array.from({ length: e.missed ?? 1 }, (_, i) => e.step - (e.missed ?? 1) + 1 + i),
        );
        expect(steps).to.deep.equal(steps.map((_, i) => i));
        const last = Math.max(...times);
        if (last >= 60) expect(seen).to.include(eventKey('hk-gov.initial-report', 0, 'breach'));
      }),
    );
  });

  it('when a catch-up plans with a now older than the state it read, then it names the same timers', () => {
    // The take-over flake of issue #5: a retry planning with its first attempt's `now` moved the
    // reminder timer back to one already fired and removed the real next one; the ladder stopped.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 }), (a, b) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        const caught = planClocks(input([fromSpec(spec())]), at(late));
        const done = caught.events.map((e) => e.key);
        const fresh = planClocks(input(caught.clocks, done), at(late));
        const stale = planClocks(input(caught.clocks, done), at(early));
        expect(stale.events).to.deep.equal([]);
        expect(stale.timers).to.deep.equal(fresh.timers);
      }),
    );
  });

  describe('bounded catch-up (issue 14, item 1)', () => {
    const YEAR = 365 * 86_400;
    /** True when the entries cover steps 0..n each once (an entry covers `missed` steps up to its own). */
    const contiguous = (clock: IncidentClock): boolean => {
      let next = 0;
      for (const e of clock.escalations) {
        if (e.step - (e.missed ?? 1) + 1 !== next) return false;
        next = e.step + 1;
      }
      return true;
    };

    it('when a clock fell due a year ago, then one catch-up sends the breach, the levels and ONE reminders-missed event', () => {
      const plan = planClocks(input([fromSpec(spec())]), at(YEAR));
      expect(plan.events.map((e) => [e.kind, e.step, e.tier])).to.deep.equal([
        ['breach', 0, 'breach'],
        ['escalation', 1, 'level-1'],
        ['escalation', 2, 'level-2'],
        ['escalation', 3, 'level-3'],
        ['escalation', 3 + Math.floor((YEAR - 120) / 30), 'reminders-missed'],
      ]);
      const missed = plan.events.at(-1)?.missed ?? 0;
      expect(missed).to.equal(Math.floor((YEAR - 120) / 30));
      expect(contiguous(plan.clocks[0])).to.equal(true);
      expect(plan.clockEvents.length, 'no key per reminder').to.be.at.most(5);
      expect(plan.timers[0]?.at.getTime()).to.be.greaterThan(at(YEAR).getTime() - 30_000);
    });

    it('when the due time is in year 0001, then the catch-up still plans a handful of events', () => {
      const old = new Date('0001-01-01T00:00:00Z');
      const clock = fromSpec(spec({ startsAt: old, dueAt: new Date(old.getTime() + 60_000), warnAt: old }));
      const plan = planClocks(input([clock]), at(0));
      expect(plan.events.length).to.be.at.most(6);
      expect(JSON.stringify(plan).length).to.be.below(10_000);
    });

    it('for any sequence of catch-ups over a long time, escalations, event keys and events per pass stay bounded', () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 1, max: 40 * 86_400 }), { minLength: 1, maxLength: 200 }),
          (gaps) => {
            let clocks = [fromSpec(spec())];
            let done: string[] = [];
            let t = 0;
            let reminders = 0;
            for (const gap of gaps) {
              t += gap;
              const plan = planClocks(input(clocks, done), at(t));
              expect(plan.events.length).to.be.at.most(LADDER.length + 2);
              clocks = plan.clocks;
              done = plan.clockEvents;
              reminders = Math.max(reminders, clocks[0].reminderStep ?? 0);
              expect(clocks[0].escalations.length).to.be.at.most(MAX_ESCALATIONS);
              expect(done.length).to.be.at.most(LADDER.length + 1);
            }
            if (!clocks[0].escalationsDropped) expect(contiguous(clocks[0])).to.equal(true);
            if (reminders > 0) expect(clocks[0].escalations.at(-1)?.step).to.equal(reminders);
          },
        ),
        { numRuns: 50 },
      );
    });

    it('when a repeating clock is met again and again, then its history keeps the latest occurrences', () => {
      let clocks = [fromSpec(spec({ repeat: { everySeconds: 100, until: 'closed' } }))];
      for (let i = 0; i < MAX_CLOCK_HISTORY + 30; i++)
        clocks = meetClocks(clocks, 'report.giro.initial', at(10 + i)).clocks;
      expect(clocks[0].history).to.have.length(MAX_CLOCK_HISTORY);
      expect(clocks[0].historyDropped).to.equal(30);
      expect(clocks[0].occurrence).to.equal(MAX_CLOCK_HISTORY + 30);
    });
  });
});
