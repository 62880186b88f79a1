import { expect } from 'chai';
import fc from 'fast-check';
import { CLOCK_RECORDS_COLLECTION, MAX_ESCALATIONS, type IncidentClock } from '../../../src/clocks/index.js';
import { mongoose } from '../../../src/platform/db/index.js';
import { reportBody, uniqueIndicator } from '../../factories/incident.factory.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** The defaults of REPORT_TIME_MAX_AGE_DAYS and REPORT_OCCURRED_MAX_AGE_DAYS. */
const MAX_AGE = 30 * DAY;
const OCCURRED_MAX_AGE = 1825 * DAY;
/** What a clean incident document may weigh after triage and a catch-up, whatever its times. */
const MAX_DOCUMENT_BYTES = 64 * 1024;

interface StoredIncident {
  _id: mongoose.Types.ObjectId;
  triage: { escalation: unknown[] } | null;
}

/** The incident's clock record (the clocks' own collection). */
interface StoredClocks {
  _id: mongoose.Types.ObjectId;
  clocks: IncidentClock[];
  events?: string[];
}

/** How far back each time lies, as a reporter may send it: within the bounds, beyond, or absurd. */
const back = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: MAX_AGE - 10 * MINUTE }) },
  { weight: 2, arbitrary: fc.integer({ min: MAX_AGE + MINUTE, max: 400 * 365 * DAY }) },
  { weight: 1, arbitrary: fc.constant(Date.now() - Date.parse('0001-01-01T00:00:00Z')) },
);
const reportArb = fc.record({
  aware: back,
  discovered: back,
  occurred: fc.oneof(back, fc.integer({ min: MAX_AGE, max: OCCURRED_MAX_AGE - DAY })),
  tier: fc.constantFrom(1, 2, 3),
  functionalImpact: fc.constantFrom('none', 'low', 'medium', 'high'),
  capSerious: fc.boolean(),
});
type Report = typeof reportArb extends fc.Arbitrary<infer T> ? T : never;

describe('Clock catch-up does bounded work whatever times a reporter sends (issue 14, item 1)', function () {
  this.timeout(300_000);
  let runtime: TestRuntime;
  let reporter: TestActor;

  before(async () => {
    // Workers off: triage and the catch-up are called here, so each pass can be measured on its own.
    runtime = await startTestRuntime('clkbound', { RUN_WORKERS: 'false' });
    reporter = await createActor(runtime, { role: 'reporter' });
  });
  after(async () => {
    await runtime.stop();
  });

  const incidents = () => runtime.platform.db.db!.collection<StoredIncident>('incidents');
  const read = async (id: string) => (await incidents().findOne({ _id: new mongoose.Types.ObjectId(id) }))!;
  const readClocks = async (id: string) =>
    (await runtime.platform.db
      .db!.collection<StoredClocks>(CLOCK_RECORDS_COLLECTION)
      .findOne({ _id: new mongoose.Types.ObjectId(id) }))!;

  /** Triage, then two catch-ups; asserts the bounds of each pass and of the document after them. */
  async function triageAndCatchUp(id: string): Promise<void> {
    await runtime.modules.intake.triage.triage(id);
    const triaged = await read(id);
    const clocks = (await readClocks(id)).clocks.length;
    const rungs = triaged.triage?.escalation.length ?? 0;
    // Per clock and pass: a warning, the breach, each rung of the ladder, and one event for all reminders.
    const perPass = clocks * (rungs + 3);
    for (let pass = 0; pass < 2; pass++) {
      const result = await runtime.modules.workflow.clocks.catchUp(id);
      expect(result.events.length, `events of pass ${pass}`).to.be.at.most(perPass);
    }
    const stored = await readClocks(id);
    for (const clock of stored.clocks) {
      expect(clock.escalations.length, clock.key).to.be.at.most(MAX_ESCALATIONS);
      expect(clock.escalations.filter((e) => e.tier.startsWith('reminder')).length).to.be.at.most(1);
    }
    expect(stored.events?.length ?? 0).to.be.at.most(perPass);
    expect(mongoose.mongo.BSON.calculateObjectSize(stored)).to.be.below(MAX_DOCUMENT_BYTES);
    expect(mongoose.mongo.BSON.calculateObjectSize(await read(id))).to.be.below(MAX_DOCUMENT_BYTES);
    const requested = await runtime.platform.db
      .db!.collection('notifications')
      .countDocuments({ incidentId: id });
    expect(requested, 'notification requests').to.be.at.most(perPass + 20);
  }

  it('for any report times, an accepted report is triaged and caught up within bounded events, entries and bytes; a refused one names its field', async () => {
    await fc.assert(
      fc.asyncProperty(reportArb, async (r: Report) => {
        const now = Date.now();
        const iso = (ms: number) => new Date(now - ms).toISOString();
        const times = { occurredAt: iso(r.occurred), discoveredAt: iso(r.discovered), awareAt: iso(r.aware) };
        const tooOld = r.aware > MAX_AGE || r.discovered > MAX_AGE || r.occurred > OCCURRED_MAX_AGE;
        const disordered = r.occurred < r.discovered || r.discovered < r.aware;
        const answer = await call<{ id: string; error?: { details: Array<{ path: string }> } }>(
          runtime.url,
          'POST',
          '/api/v1/incidents',
          {
            key: reporter.key,
            body: reportBody({
              times,
              indicators: [uniqueIndicator()],
              system: { tier: r.tier, criticalEService: false, operatedBy: 'outsourced' },
              functionalImpact: r.functionalImpact,
              flags: {
                suspectedCrime: false,
                mediaInterest: false,
                capSerious: r.capSerious,
                falsePositive: false,
                ransomPaid: false,
              },
            }),
          },
        );
        if (tooOld || disordered) {
          expect(answer.status, answer.text).to.equal(422);
          expect(answer.body.error?.details.every((d) => d.path.startsWith('body.times.'))).to.equal(true);
          return;
        }
        expect(answer.status, answer.text).to.equal(201);
        await triageAndCatchUp(answer.body.id);
      }),
      { numRuns: 25 },
    );
  });

  it('when an incident stored before the bounds has awareAt in year 0001, then triage and catch-up still do bounded work', async () => {
    const created = await call<{ id: string }>(runtime.url, 'POST', '/api/v1/incidents', {
      key: reporter.key,
      body: reportBody({ indicators: [uniqueIndicator()], flags: { ...FLAGS, capSerious: true } }),
    });
    expect(created.status, created.text).to.equal(201);
    const old = new Date('0001-01-01T00:00:00Z');
    // Moving the revision, as every write of the facts does: a copy read before it (the one triage's
    // first read takes from intake's insert) is not written back on.
    await incidents().updateOne(
      { _id: new mongoose.Types.ObjectId(created.body.id) },
      {
        $set: { 'facts.times.occurredAt': old, 'facts.times.discoveredAt': old, 'facts.times.awareAt': old },
        $inc: { revision: 1 },
      },
    );
    await triageAndCatchUp(created.body.id);
    const stored = await readClocks(created.body.id);
    const missed = stored.clocks.flatMap((c) => c.escalations).filter((e) => e.tier === 'reminders-missed');
    expect(missed.length, 'the reminders owed since year 1 are one entry per clock').to.be.greaterThan(0);
    expect(missed[0]?.missed).to.be.greaterThan(10_000_000);
  });
});

const FLAGS = {
  suspectedCrime: false,
  mediaInterest: false,
  capSerious: false,
  falsePositive: false,
  ransomPaid: false,
};
