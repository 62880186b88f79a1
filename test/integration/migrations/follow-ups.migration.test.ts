import { expect } from 'chai';
import type { Document } from 'bson';
import { createActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startConfiguredRuntime, testConfig } from '../../helpers/runtime.js';
import { govcertOn, loadWorkedStore, withStore } from './migration-fixture.js';

const loadFixture = (uri: string) => loadWorkedStore(uri, 'follow-ups-store.json');
type StoredUpdate = { updateId: string; note: string | null; material: boolean };
const updatesOf = (doc: Document): StoredUpdate[] => (doc.updates ?? []) as StoredUpdate[];

describe("Migration: the bureau's follow-ups move to records of their own (issue 16 item 5)", function () {
  this.timeout(180_000);

  it('when an operator runs `govcert migrate` on a database the previous version wrote, then each follow-up is a record numbered in order, the incidents keep only their count, their revisions stay, and a second run changes nothing', async () => {
    const { urls } = testConfig('followcli');
    const before = await loadFixture(urls.mongodbUri);
    const followed = before.incidents.filter((doc) => updatesOf(doc).length > 0);
    expect(followed.length, 'the fixture holds an incident with follow-ups').to.equal(1);
    const govcert = govcertOn(urls.mongodbUri);
    expect((await govcert('migrate', '--dry-run')).stdout).to.match(/2026-12-bureau-follow-ups\s+pending/);

    const first = await govcert('migrate');
    expect(first.stdout).to.match(
      new RegExp(`2026-12-bureau-follow-ups\\s+applied\\s+${String(before.incidents.length)}\\s`),
    );
    const [incidents, records] = await withStore(urls.mongodbUri, (db) =>
      Promise.all([
        db.collection('incidents').find({}).toArray(),
        db
          .collection<{ _id: string; entry?: unknown; input?: unknown }>('incident_updates')
          .find({})
          .sort({ _id: 1 })
          .toArray(),
      ]),
    );
    for (const old of before.incidents) {
      const now = incidents.find((doc) => String(doc._id) === String(old._id))!;
      expect(now).to.not.have.property('updates');
      expect(now.updateCount).to.equal(updatesOf(old).length);
      expect(now.revision, 'the ETag a responder holds stays').to.equal(old.revision);
      expect(now.updatedAt).to.deep.equal(old.updatedAt);
    }
    const old = followed[0];
    const id = String(old._id);
    expect(records.map((record) => record._id)).to.deep.equal([`${id}-u1`, `${id}-u2`]);
    expect(records.map((record) => record.entry)).to.deep.equal(updatesOf(old));
    expect(
      records.map((record) => record.input),
      'already applied: nothing to merge again',
    ).to.deep.equal([null, null]);
    expect((await govcert('migrate')).stdout).to.match(/2026-12-bureau-follow-ups\s+already applied\s+0\s/);
  });

  it('when the new version starts on that database, then the API and the timelines show the same follow-ups with the same ETag, and the next follow-up is numbered after them and re-triages', async () => {
    const { config, urls } = testConfig('followstart');
    const before = await loadFixture(urls.mongodbUri);
    const old = before.incidents.find((doc) => updatesOf(doc).length > 0)!;
    const runtime = await startConfiguredRuntime(config, urls);
    try {
      const responder = await createActor(runtime, { role: 'responder' });
      const reporter = await createActor(runtime, { role: 'reporter', bureauId: String(old.bureauId) });
      const path = `/api/v1/incidents/${String(old._id)}`;
      type IncidentJson = { updates: StoredUpdate[]; triage: { round: number }; revision: number };
      const read = await call<IncidentJson>(runtime.url, 'GET', path, { key: responder.key });
      expect(read.status, read.text).to.equal(200);
      expect(read.headers.get('etag')).to.equal(`W/"${String(old.revision)}"`);
      const shown = (updates: StoredUpdate[]) => updates.map((u) => [u.updateId, u.note, u.material]);
      expect(shown(read.body.updates)).to.deep.equal(shown(updatesOf(old)));
      const bureauView = await call<IncidentJson>(runtime.url, 'GET', path, { key: reporter.key });
      expect(shown(bureauView.body.updates)).to.deep.equal(shown(updatesOf(old)));

      type Timeline = { items: Array<{ kind: string; text: string | null }> };
      for (const actor of [responder, reporter]) {
        const timeline = await call<Timeline>(runtime.url, 'GET', `${path}/timeline`, { key: actor.key });
        expect(timeline.status, timeline.text).to.equal(200);
        const notes = timeline.body.items.filter((e) => e.kind === 'update').map((e) => e.text);
        expect(notes, `${actor.actor.role}'s timeline`).to.deep.equal(updatesOf(old).map((u) => u.note));
      }

      const third = await call<IncidentJson>(runtime.url, 'POST', `${path}/updates`, {
        key: reporter.key,
        body: { note: 'Systems restored from backup.', recoverability: 'supplemented' },
      });
      expect(third.status, third.text).to.equal(201);
      expect(third.body.updates.map((u) => u.note)).to.deep.equal([
        ...updatesOf(old).map((u) => u.note),
        'Systems restored from backup.',
      ]);
      const record = await withStore(urls.mongodbUri, (db) =>
        db
          .collection<{ _id: string; entry?: unknown; input?: unknown }>('incident_updates')
          .findOne({ _id: `${String(old._id)}-u3` }),
      );
      expect(record?.input).to.deep.equal({
        note: 'Systems restored from backup.',
        recoverability: 'supplemented',
      });
      let after = await call<IncidentJson>(runtime.url, 'GET', path, { key: responder.key });
      for (let i = 0; i < 100 && after.body.triage.round < 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = await call<IncidentJson>(runtime.url, 'GET', path, { key: responder.key });
      }
      expect(after.body.triage.round, 'the material follow-up asked for a new round').to.equal(2);
    } finally {
      await runtime.stop();
    }
  });
});
