import { expect } from 'chai';
import { CLOCK_RECORDS_COLLECTION } from '../../../src/clocks/index.js';
import { ObjectId, type Document } from 'bson';
import { createActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startConfiguredRuntime, testConfig } from '../../helpers/runtime.js';
import { waitFor } from '../../helpers/wait.js';
import { govcertOn, readFixture, withStore } from './migration-fixture.js';

/** The incidents collection as the version before decision records wrote it (see the fixture's README). */
const previousIncidents = (): Document[] => readFixture('incidents.json') as Document[];

type Reason = { rule: string; detail: string };
type StoredTriage = { reasons?: Reason[]; decisionId?: string; inputHash: string; round: number } | null;

/** The fields of a clock spec as triage decided it (a clock's progress is everything else). */
const SPEC_FIELDS = ['key', 'name', 'nameZh', 'regime', 'obligation', 'startsFrom', 'after', 'startsAt'];
const SPEC_FIELDS_MORE = [
  'durationSeconds',
  'duration',
  'warnBeforeSeconds',
  'warnBefore',
  'zone',
  'calendar',
];

/**
 * The re-triaged incident as the earlier version stored it between a re-triage and the clock write
 * after it: the decision's bare specs in `clocks`, the progress in `clockLedger` (that version's
 * triage wrote `clocks: decision.clocks`; the fixture caught none in that moment).
 */
function waitingForClockMerge(doc: Document): Document {
  const ledger = doc.clockLedger as Array<Record<string, unknown>>;
  const specs = ledger.map((clock) =>
    Object.fromEntries(
      [...SPEC_FIELDS, ...SPEC_FIELDS_MORE].filter((f) => clock[f] !== undefined).map((f) => [f, clock[f]]),
    ),
  );
  return { ...doc, _id: new ObjectId(), ref: `${String(doc.ref)}-W`, seq: 999, clocks: specs };
}

/** An incident stored by that version before its triage: no decision, empty clocks and ledger. */
function notTriagedYet(doc: Document): Document {
  return {
    ...doc,
    _id: new ObjectId(),
    ref: `${String(doc.ref)}-R`,
    seq: 998,
    status: 'reported',
    severity: null,
    triage: null,
    triagedAt: null,
    triagePending: true,
    clocks: [],
    clockLedger: [],
    notifications: [],
  };
}

async function loadFixture(mongodbUri: string): Promise<Document[]> {
  const fixture = previousIncidents();
  const retriaged = fixture.find((doc) => (triageOf(doc)?.round ?? 0) > 0);
  if (!retriaged) throw new Error('the fixture has no re-triaged incident');
  const docs = [...fixture, waitingForClockMerge(retriaged), notTriagedYet(retriaged)];
  await withStore(mongodbUri, (db) => db.collection('incidents').insertMany(docs));
  return docs;
}

const storedDocs = (mongodbUri: string, collection: string): Promise<Document[]> =>
  withStore(mongodbUri, (db) => db.collection(collection).find({}).sort({ _id: 1 }).toArray());

const triageOf = (doc: Document): StoredTriage => doc.triage as StoredTriage;

describe('Migration: triage decisions move to their own records', function () {
  this.timeout(180_000);

  it('when an operator runs `govcert migrate` on a database the previous version wrote, then each decision becomes a record, the incident names it, and a second run changes nothing', async () => {
    const { urls } = testConfig('migratecli');
    const before = await loadFixture(urls.mongodbUri);
    const decided = before.filter((doc) => triageOf(doc)?.reasons !== undefined);
    expect(decided.length, 'the fixture holds triaged incidents').to.be.greaterThan(2);
    const govcert = govcertOn(urls.mongodbUri);

    const dryRun = await govcert('migrate', '--dry-run');
    expect(dryRun.stdout).to.match(/2026-12-triage-decision-records\s+pending/);
    expect((await storedDocs(urls.mongodbUri, 'triage_decisions')).length).to.equal(0);

    // Every incident that version stored had the second copy of the clocks: each one changes.
    const first = await govcert('migrate');
    expect(first.stdout).to.match(
      new RegExp(`2026-12-triage-decision-records\\s+applied\\s+${before.length}\\s`),
    );

    const incidents = await storedDocs(urls.mongodbUri, 'incidents');
    const records = new Map((await storedDocs(urls.mongodbUri, 'triage_decisions')).map((r) => [r._id, r]));
    const clockRecords = new Map(
      (await storedDocs(urls.mongodbUri, CLOCK_RECORDS_COLLECTION)).map((r) => [String(r._id), r]),
    );
    expect(records.size).to.equal(decided.length);
    for (const old of decided) {
      const now = incidents.find((doc) => String(doc._id) === String(old._id));
      const summary = triageOf(now ?? {});
      expect(summary?.reasons, 'the summary keeps no reasons').to.equal(undefined);
      const record = records.get(summary?.decisionId ?? '');
      expect(record, `record of ${String(old._id)}`).to.not.equal(undefined);
      expect(record?.reasons).to.deep.equal(triageOf(old)?.reasons);
      expect(record?.inputHash).to.equal(triageOf(old)?.inputHash);
      // The notifications it owed move with it (issue 16 item 4): the incident carries none.
      expect(record?.owed).to.deep.equal(old.notifications);
      expect(now?.notifications, 'no notifications left on the incident').to.equal(undefined);
      // One copy of the clocks: the progress the earlier version kept twice.
      expect(now?.clockLedger, 'no second copy of the clocks').to.equal(undefined);
      const progress = (old.clockLedger as Array<{ key: string; state: string }>).map((c) => [
        c.key,
        c.state,
      ]);
      // The clocks are a record of their own since (`2027-01-clock-records`, run by the same command).
      const clockRecord = clockRecords.get(String(old._id));
      const clocks = (clockRecord?.clocks as Array<{ key: string; state: string }>).map((c) => [
        c.key,
        c.state,
      ]);
      expect(clocks).to.deep.equal(progress);
      expect(now?.clocksDecisionId, 'the decision the clocks are to follow').to.equal(summary?.decisionId);
      if (String(old.ref).endsWith('-W')) {
        // The specs wait in the decision's record; the next clock write merges them.
        expect(record?.clocks).to.deep.equal(old.clocks);
        expect(clockRecord?.decisionId).to.equal(null);
      } else {
        expect(record?.clocks).to.deep.equal([]);
        expect(clockRecord?.decisionId).to.equal(summary?.decisionId);
      }
      // Nothing a responder sees moved: the ETag they hold still matches.
      expect(now?.revision).to.equal(old.revision);
      expect(now?.updatedAt).to.deep.equal(old.updatedAt);
    }

    // Not triaged yet: only the empty second copy of the clocks goes, and no record is made for it.
    const waiting = incidents.find((doc) => String(doc.ref).endsWith('-R'));
    expect(waiting?.clockLedger).to.equal(undefined);
    expect(waiting?.triage).to.equal(null);
    expect(waiting?.clocksDecisionId).to.equal(undefined);

    // The trail says when the stored data changed shape, and how much of it.
    const events = await storedDocs(urls.mongodbUri, 'audit_events');
    const migrated = events.filter((e) => e.action === 'system.migrated');
    expect(
      migrated.map((e) => [(e.subject as { id: string }).id, (e.data as { changed: number }).changed]),
    ).to.deep.include(['2026-12-triage-decision-records', before.length]);

    const second = await govcert('migrate');
    expect(second.stdout).to.match(/2026-12-triage-decision-records\s+already applied\s+0\s/);
    expect((await storedDocs(urls.mongodbUri, 'triage_decisions')).length).to.equal(decided.length);
  });

  it('when the new version starts on a database the previous version wrote, then it migrates by itself and the API shows each decision with its reasons as before', async () => {
    const { config, urls } = testConfig('migratestart');
    const before = await loadFixture(urls.mongodbUri);
    const runtime = await startConfiguredRuntime(config, urls);
    try {
      const responder = await createActor(runtime, { role: 'responder' });
      expect(
        runtime.logs.lines.some((line) => line.migration === '2026-12-triage-decision-records'),
      ).to.equal(true);
      // The previous version's outboxes still hold the first-triage job of each incident it triaged:
      // read once the relay has enqueued them and they have run, so the answers below include them.
      const triage = runtime.platform.queues.queue('triage');
      const leftover = await waitFor(
        async () => {
          const stored = await storedDocs(urls.mongodbUri, 'incidents');
          const counts = await triage.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
          return {
            unrelayed: stored.filter((doc) => Array.isArray(doc.pendingJobs) && doc.pendingJobs.length > 0)
              .length,
            unrun: Object.values(counts).reduce((sum, n) => sum + n, 0),
          };
        },
        ({ unrelayed, unrun }) => unrelayed === 0 && unrun === 0,
        60_000,
        200,
      );
      expect(leftover, "the previous version's jobs, relayed and run").to.deep.equal({
        unrelayed: 0,
        unrun: 0,
      });
      for (const old of before.filter((doc) => triageOf(doc)?.reasons !== undefined)) {
        const answer = await call<{ triage: { reasons: Reason[]; severity: string; round: number } }>(
          runtime.url,
          'GET',
          `/api/v1/incidents/${String(old._id)}`,
          { key: responder.key },
        );
        expect(answer.status, answer.text).to.equal(200);
        expect(answer.body.triage.reasons).to.deep.equal(triageOf(old)?.reasons);
        expect(answer.body.triage.round).to.equal(triageOf(old)?.round);
        expect(answer.headers.get('etag')).to.equal(`W/"${String(old.revision)}"`);
      }
    } finally {
      await runtime.stop();
    }
  });
});
