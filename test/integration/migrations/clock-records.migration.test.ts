import { expect } from 'chai';
import type { Document, ObjectId } from 'bson';
import { CLOCK_RECORDS_COLLECTION } from '../../../src/clocks/index.js';
import { createActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startConfiguredRuntime, testConfig } from '../../helpers/runtime.js';
import { change } from '../workflow/workflow-fixture.js';
import { govcertOn, loadWorkedStore, withStore } from './migration-fixture.js';

const loadFixture = (uri: string) => loadWorkedStore(uri, 'clocks-store.json');
type Clock = { key: string; state: string; dueAt?: Date };
const clocksOf = (doc: Document): Clock[] => (doc.clocks ?? []) as Clock[];
const byStatus = (incidents: Document[], status: string): Document =>
  incidents.find((doc) => doc.status === status)!;
/**
 * What a clock is, and what was done about it, as the API answers (JSON): a clock whose due time passed
 * since the fixture was written may have breached and escalated by the time the new version reads it
 * (its timers are not in this test's Redis, so the reconciler catches it up), the rest stays.
 */
const identity = (clocks: unknown): unknown =>
  (JSON.parse(JSON.stringify(clocks)) as Array<Record<string, unknown>>).map((clock) => ({
    key: clock.key,
    obligation: clock.obligation,
    startsAt: clock.startsAt,
    dueAt: clock.dueAt,
    metAt: clock.metAt,
    occurrence: clock.occurrence,
    notApplicable: clock.notApplicable,
  }));

describe('Migration: clocks move from the incident to records of their own (issue 16 item 3)', function () {
  this.timeout(180_000);

  it('when an operator runs `govcert migrate` on a database the previous version wrote, then each incident’s clocks are its record’s, the incident keeps no clock fields and its revision, and a second run changes nothing', async () => {
    const { urls } = testConfig('clockscli');
    const before = await loadFixture(urls.mongodbUri);
    expect(before.incidents.map((doc) => String(doc.status))).to.have.members([
      'triaged',
      'contained',
      'closed',
      'rejected',
    ]);
    const govcert = govcertOn(urls.mongodbUri);
    expect((await govcert('migrate', '--dry-run')).stdout).to.match(/2027-01-clock-records\s+pending/);

    const first = await govcert('migrate');
    expect(first.stdout).to.match(
      new RegExp(`2027-01-clock-records\\s+applied\\s+${String(before.incidents.length)}\\s`),
    );
    const [incidents, records] = await withStore(urls.mongodbUri, (db) =>
      Promise.all([
        db.collection('incidents').find({}).toArray(),
        db.collection(CLOCK_RECORDS_COLLECTION).find({}).toArray(),
      ]),
    );
    expect(records).to.have.length(before.incidents.length);
    for (const old of before.incidents) {
      const now = incidents.find((doc) => String(doc._id) === String(old._id))!;
      const record = records.find((doc) => String(doc._id) === String(old._id))!;
      for (const field of ['clocks', 'clockEvents', 'clockTimers'])
        expect(now, `${String(old.status)}: ${field} left the incident`).to.not.have.property(field);
      expect(now.revision, 'the ETag a responder holds stays').to.equal(old.revision);
      expect(now.updatedAt).to.deep.equal(old.updatedAt);
      expect(now.clocksDecisionId).to.equal((old.triage as { decisionId: string }).decisionId);
      expect(now.clockSeq).to.equal(record.seq);
      expect(record.clocks, `${String(old.status)}: the clocks as they were`).to.deep.equal(old.clocks);
      expect(record.events).to.deep.equal(old.clockEvents ?? []);
      expect(record.timers).to.deep.equal(old.clockTimers ?? []);
      expect(record.decisionId).to.equal(old.clocksDecisionId);
      expect(record.appliedObligations).to.equal(((old.obligations ?? []) as unknown[]).length);
    }
    const contained = incidents.find((doc) => doc.status === 'contained')!;
    expect(contained.milestones).to.have.property('contained');
    expect(byStatus(incidents, 'closed').milestones).to.have.keys(['contained', 'recovered', 'closed']);
    expect(byStatus(incidents, 'triaged').milestones).to.deep.equal({});
    expect((await govcert('migrate')).stdout).to.match(/2027-01-clock-records\s+already applied\s+0\s/);
  });

  it('when the new version starts on that database, then the API shows the same clocks with the same ETag, and the next actions move them in their record without a new revision for the clocks', async () => {
    const { config, urls } = testConfig('clocksstart');
    const before = await loadFixture(urls.mongodbUri);
    const runtime = await startConfiguredRuntime(config, urls);
    try {
      const responder = await createActor(runtime, { role: 'responder' });
      type IncidentJson = { id: string; status: string; revision: number; clocks: Clock[] };
      const path = (doc: Document) => `/api/v1/incidents/${String(doc._id)}`;
      for (const old of before.incidents) {
        const read = await call<IncidentJson>(runtime.url, 'GET', path(old), { key: responder.key });
        expect(read.status, read.text).to.equal(200);
        expect(read.headers.get('etag')).to.equal(`W/"${String(old.revision)}"`);
        expect(identity(read.body.clocks), `${String(old.status)}: its clocks`).to.deep.equal(
          identity(clocksOf(old)),
        );
      }
      const closed = await call<IncidentJson>(
        runtime.url,
        'GET',
        path(byStatus(before.incidents, 'closed')),
        {
          key: responder.key,
        },
      );
      expect(closed.body.clocks.map((c) => c.state)).to.not.include('running');

      // The triaged one: acknowledging meets its clock, in its record.
      const triaged = byStatus(before.incidents, 'triaged');
      const acknowledged = await change(
        runtime.url,
        responder,
        `${path(triaged)}/acknowledge`,
        Number(triaged.revision),
      );
      expect(acknowledged.status, acknowledged.text).to.equal(200);
      expect(acknowledged.body.revision).to.equal(Number(triaged.revision) + 1);
      // Met, or late when the fixture is older than the clock's 30 minutes: either way taken in.
      const ack = acknowledged.body.clocks.find((c) => c.key === 'hk-gov.acknowledge') as Clock & {
        metAt: string | null;
      };
      expect(ack.state).to.be.oneOf(['met', 'breached']);
      expect(ack.metAt).to.be.a('string');
      const record = await withStore(urls.mongodbUri, (db) =>
        db.collection(CLOCK_RECORDS_COLLECTION).findOne({ _id: triaged._id as ObjectId }),
      );
      expect(
        (record?.clocks as Clock[]).find((c) => c.key === 'hk-gov.acknowledge')?.state,
        'stored in the record',
      ).to.equal(ack.state);
      expect(record?.appliedObligations).to.equal(1);

      // The contained one: recovering starts the post-incident report from the resolution time.
      const contained = byStatus(before.incidents, 'contained');
      let current = Number(contained.revision);
      for (const to of ['eradicated', 'recovered']) {
        const moved = await change(runtime.url, responder, `${path(contained)}/transitions`, current, { to });
        expect(moved.status, moved.text).to.equal(200);
        current = moved.body.revision;
        if (to === 'recovered') {
          const post = moved.body.clocks.find((c) => c.key === 'hk-gov.post-incident-report');
          expect(post?.state).to.equal('running');
        }
      }
    } finally {
      await runtime.stop();
    }
  });
});
