import { expect } from 'chai';
import type { Document } from 'bson';
import { createActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startConfiguredRuntime, testConfig } from '../../helpers/runtime.js';
import { govcertOn, loadWorkedStore as loadFixture, withStore } from './migration-fixture.js';

type StoredNotification = { key: string; to: string; status: string };
const notificationsOf = (doc: Document | null | undefined): StoredNotification[] =>
  (doc?.notifications ?? []) as StoredNotification[];
const decisionIdOf = (doc: Document): string => (doc.triage as { decisionId: string }).decisionId;

describe('Migration: the notifications an incident owes move to its decision record (issue 16 item 4)', function () {
  this.timeout(180_000);

  it('when an operator runs `govcert migrate` on a database the previous version wrote, then each record in force owes what its incident listed, the incidents list none, their revisions stay, and a second run changes nothing', async () => {
    const { urls } = testConfig('owedcli');
    const before = await loadFixture(urls.mongodbUri);
    const owing = before.incidents.filter((doc) => notificationsOf(doc).length > 0);
    expect(owing.length, 'the fixture holds incidents that owe notifications').to.be.greaterThan(0);
    const govcert = govcertOn(urls.mongodbUri);
    expect((await govcert('migrate', '--dry-run')).stdout).to.match(/2026-12-notifications-owed\s+pending/);

    const first = await govcert('migrate');
    expect(first.stdout).to.match(
      new RegExp(`2026-12-notifications-owed\\s+applied\\s+${before.incidents.length}\\s`),
    );
    const [incidents, records] = await withStore(urls.mongodbUri, (db) =>
      Promise.all([
        db.collection('incidents').find({}).toArray(),
        db.collection('triage_decisions').find({}).toArray(),
      ]),
    );
    for (const old of owing) {
      const now = incidents.find((doc) => String(doc._id) === String(old._id));
      expect(now).to.not.have.property('notifications');
      expect(now?.revision, 'the ETag a responder holds stays').to.equal(old.revision);
      expect(now?.updatedAt).to.deep.equal(old.updatedAt);
      const record = records.find((r) => String(r._id) === decisionIdOf(old));
      expect(record?.owed).to.deep.equal(old.notifications);
    }
    expect((await govcert('migrate')).stdout).to.match(/2026-12-notifications-owed\s+already applied\s+0\s/);
  });

  it('when the new version starts on that database, then a responder sees the same notifications, and a re-triage after the upgrade owes each of them once', async () => {
    const { config, urls } = testConfig('owedstart');
    const before = await loadFixture(urls.mongodbUri);
    const old = before.incidents.find((doc) => notificationsOf(doc).length > 0)!;
    const runtime = await startConfiguredRuntime(config, urls);
    try {
      const responder = await createActor(runtime, { role: 'responder' });
      const path = `/api/v1/incidents/${String(old._id)}`;
      type IncidentJson = { notifications: StoredNotification[]; triage: { round: number } };
      const read = await call<IncidentJson>(runtime.url, 'GET', path, { key: responder.key });
      expect(read.status, read.text).to.equal(200);
      expect(read.headers.get('etag')).to.equal(`W/"${String(old.revision)}"`);
      const shown = (answer: IncidentJson) => answer.notifications.map((n) => [n.key, n.to]);
      const expected = notificationsOf(old).map((n) => [n.key, n.to]);
      expect(shown(read.body)).to.deep.equal(expected);

      // The decision in force is asked again (a material update): what it owes is not owed twice.
      const reporter = await createActor(runtime, {
        role: 'reporter',
        bureauId: String(old.bureauId),
      });
      const updated = await call(runtime.url, 'POST', `${path}/updates`, {
        key: reporter.key,
        body: { note: 'A second server shows the same files.', flags: { mediaInterest: true } },
      });
      expect(updated.status, updated.text).to.equal(201);
      let after = read;
      for (let i = 0; i < 100 && after.body.triage.round < 1; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = await call<IncidentJson>(runtime.url, 'GET', path, { key: responder.key });
      }
      expect(after.body.triage.round).to.equal(1);
      const keys = after.body.notifications.map((n) => n.key);
      expect(new Set(keys).size, 'each notification owed once').to.equal(keys.length);
      expect(keys).to.include.members(expected.map(([key]) => key));
    } finally {
      await runtime.stop();
    }
  });
});
