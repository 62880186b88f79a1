import { expect } from 'chai';
import type { Document, ObjectId } from 'bson';
import { createActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startConfiguredRuntime, testConfig } from '../../helpers/runtime.js';
import type { WorkflowJson } from '../workflow/workflow-fixture.js';
import { govcertOn, loadWorkedStore, readFixture, withStore, type WorkedStore } from './migration-fixture.js';

const previousIncidents = (): Document[] => (readFixture('worked-store.json') as WorkedStore).incidents;
const loadFixture = async (uri: string): Promise<void> => {
  await loadWorkedStore(uri);
};

/** The one fixture incident a responder worked (two notes, two tasks, a link). */
function workedOf(docs: Document[]): Document & { _id: ObjectId } {
  const worked = docs.find((doc) => Array.isArray(doc.notes) && doc.notes.length > 0);
  if (!worked) throw new Error('the fixture has no incident with notes');
  return worked as Document & { _id: ObjectId };
}

const WORKLOG_LISTS = ['notes', 'tasks', 'links'] as const;

describe('Migration: notes, tasks and links move to the incident’s worklog (issue 16 item 5)', function () {
  this.timeout(180_000);

  it('when an operator runs `govcert migrate` on a database the previous version wrote, then the worklog holds every note, task and link, the incident none, its revision is unchanged, and a second run changes nothing', async () => {
    const { urls } = testConfig('worklogcli');
    const before = previousIncidents();
    const old = workedOf(before);
    await loadFixture(urls.mongodbUri);
    const govcert = govcertOn(urls.mongodbUri);

    expect((await govcert('migrate', '--dry-run')).stdout).to.match(/2026-12-incident-worklogs\s+pending/);
    expect(
      await withStore(urls.mongodbUri, (db) => db.collection('incident_worklogs').countDocuments()),
    ).to.equal(0);

    const first = await govcert('migrate');
    expect(first.stdout).to.match(/2026-12-incident-worklogs\s+applied\s+1\s/);

    const [incidents, worklogs, events] = await withStore(urls.mongodbUri, (db) =>
      Promise.all([
        db.collection('incidents').find({}).toArray(),
        db.collection('incident_worklogs').find({}).toArray(),
        db.collection('audit_events').find({ action: 'system.migrated' }).toArray(),
      ]),
    );
    expect(worklogs.map((w) => String(w._id))).to.deep.equal([String(old._id)]);
    for (const list of WORKLOG_LISTS) expect(worklogs[0][list], list).to.deep.equal(old[list]);
    expect(worklogs[0].bureauId).to.equal(old.bureauId);
    for (const now of incidents) {
      for (const list of WORKLOG_LISTS) expect(now[list], `${list} left on the incident`).to.equal(undefined);
      const was = before.find((doc) => String(doc._id) === String(now._id));
      // Nothing a responder holds moves: the same revision and updatedAt, so the same ETag.
      expect(now.revision).to.equal(was?.revision);
      expect(now.updatedAt).to.deep.equal(was?.updatedAt);
    }
    expect(
      events.map((e) => [(e.subject as { id: string }).id, (e.data as { changed: number }).changed]),
    ).to.deep.include(['2026-12-incident-worklogs', 1]);

    expect((await govcert('migrate')).stdout).to.match(/2026-12-incident-worklogs\s+already applied\s+0\s/);
  });

  it('when a migration stopped after writing the worklog and before clearing the incident, then the next run keeps one copy of each entry', async () => {
    const { urls } = testConfig('worklogcrash');
    const before = previousIncidents();
    const old = workedOf(before);
    await loadFixture(urls.mongodbUri);
    await withStore(urls.mongodbUri, async (db) => {
      // What the first run had written when it stopped: the worklog, with the incident still holding all.
      await db.collection('incident_worklogs').insertOne({
        _id: old._id,
        bureauId: old.bureauId,
        notes: old.notes,
        tasks: old.tasks,
        links: old.links,
        revision: 1,
        pendingAudit: [],
      });
    });
    await govcertOn(urls.mongodbUri)('migrate');
    const [incident, worklog] = await withStore(urls.mongodbUri, (db) =>
      Promise.all([
        db.collection('incidents').findOne({ _id: old._id }),
        db.collection('incident_worklogs').findOne({ _id: old._id }),
      ]),
    );
    for (const list of WORKLOG_LISTS) {
      expect(worklog?.[list], list).to.deep.equal(old[list]);
      expect(incident?.[list]).to.equal(undefined);
    }
  });

  it('when the new version starts on that database, then a responder sees the same notes, tasks and links, and adds a note with the ETag they held', async () => {
    const { config, urls } = testConfig('worklogstart');
    const before = previousIncidents();
    const old = workedOf(before);
    await loadFixture(urls.mongodbUri);
    const runtime = await startConfiguredRuntime(config, urls);
    try {
      const responder = await createActor(runtime, { role: 'responder' });
      const path = `/api/v1/incidents/${String(old._id)}`;
      const read = await call<WorkflowJson>(runtime.url, 'GET', `${path}/workflow`, { key: responder.key });
      expect(read.status, read.text).to.equal(200);
      expect(read.headers.get('etag')).to.equal(`W/"${String(old.revision)}"`);
      const texts = (old.notes as Array<{ text: string }>).map((n) => n.text);
      expect(read.body.notes.map((n) => n.text)).to.deep.equal(texts);
      expect(read.body.tasks.map((t) => [t.title, t.done])).to.deep.equal(
        (old.tasks as Array<{ title: string; done: boolean }>).map((t) => [t.title, t.done]),
      );
      expect(read.body.links.map((l) => l.id)).to.deep.equal(
        (old.links as Array<{ id: string }>).map((l) => l.id),
      );
      const noted = await call<WorkflowJson>(runtime.url, 'POST', `${path}/notes`, {
        key: responder.key,
        body: { text: 'Carried on after the upgrade.' },
        headers: { 'if-match': read.headers.get('etag')! },
      });
      expect(noted.status, noted.text).to.equal(201);
      expect(noted.body.notes.map((n) => n.text)).to.deep.equal([...texts, 'Carried on after the upgrade.']);
      const timeline = await call<{ items: Array<{ kind: string; text: string | null }> }>(
        runtime.url,
        'GET',
        `${path}/timeline`,
        { key: responder.key },
      );
      expect(timeline.body.items.filter((e) => e.kind === 'note').map((e) => e.text)).to.deep.equal([
        ...texts,
        'Carried on after the upgrade.',
      ]);
    } finally {
      await runtime.stop();
    }
  });
});
