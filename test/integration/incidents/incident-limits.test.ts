import { expect } from 'chai';
import { mongoose } from '../../../src/platform/db/index.js';
import { reportBody, uniqueIndicator } from '../../factories/incident.factory.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

type ErrorJson = { error?: { code: string; message: string; details: { field: string; limit: number } } };

/** The limits as documented in src/incidents/incident-limits.ts (stated here, not imported). */
const LIMITS = { updates: 200, notes: 1000, obligations: 500 };

describe('Every list an incident grows by request is capped with a clear 409 (issue 14, item 1)', function () {
  this.timeout(120_000);
  let runtime: TestRuntime;
  let reporter: TestActor;
  let responder: TestActor;

  before(async () => {
    runtime = await startTestRuntime('inclimit', { RUN_WORKERS: 'false' });
    reporter = await createActor(runtime, { role: 'reporter' });
    responder = await createActor(runtime, { role: 'responder' });
  });
  after(async () => {
    await runtime.stop();
  });

  const incidents = () => runtime.platform.db.db!.collection('incidents');
  async function reportWith(seed: Record<string, unknown>): Promise<{ id: string; revision: number }> {
    const created = await call<{ id: string }>(runtime.url, 'POST', '/api/v1/incidents', {
      key: reporter.key,
      body: reportBody({ indicators: [uniqueIndicator()] }),
    });
    expect(created.status, created.text).to.equal(201);
    // Filling a list through the API would take hundreds of requests: the stored state is set as
    // those requests would have left it.
    const _id = new mongoose.Types.ObjectId(created.body.id);
    await incidents().updateOne({ _id }, { $set: seed });
    const doc = await incidents().findOne({ _id });
    return { id: created.body.id, revision: Number(doc?.revision ?? 0) };
  }
  const filler = (n: number, entry: (i: number) => Record<string, unknown>) =>
    Array.from({ length: n }, (_, i) => entry(i));

  it('when an incident holds 200 follow-ups, then the next is refused with 409 incident_limit naming updates', async () => {
    // Follow-ups are records of their own (issue 16 item 5): the incident counts those applied.
    const { id } = await reportWith({ updateCount: LIMITS.updates });
    const answer = await call<ErrorJson>(runtime.url, 'POST', `/api/v1/incidents/${id}/updates`, {
      key: reporter.key,
      body: { note: 'one more' },
    });
    expect(answer.status, answer.text).to.equal(409);
    expect(answer.body.error?.code).to.equal('incident_limit');
    expect(answer.body.error?.details).to.include({ field: 'updates', limit: LIMITS.updates });
  });

  it('when the incident stored weighs 9 MB, then a follow-up with new facts is refused with 409 naming the document, and a note alone is taken', async () => {
    const big = 'x'.repeat(60_000);
    const notice = (i: number) => ({ party: 'other', at: new Date(), reference: `${String(i)} ${big}` });
    const { id } = await reportWith({ externalNotified: filler(150, notice) });
    const facts = await call<ErrorJson>(runtime.url, 'POST', `/api/v1/incidents/${id}/updates`, {
      key: reporter.key,
      body: { note: 'one more', flags: { mediaInterest: true } },
    });
    expect(facts.status, facts.text).to.equal(409);
    expect(facts.body.error?.details.field).to.equal('document');
    // The note is a record of its own and adds nothing to the incident's size.
    const note = await call<ErrorJson>(runtime.url, 'POST', `/api/v1/incidents/${id}/updates`, {
      key: reporter.key,
      body: { note: 'one more' },
    });
    expect(note.status, note.text).to.equal(201);
  });

  it('when an incident holds 1000 notes, then a responder’s next note is refused with 409 naming notes', async () => {
    const note = (i: number) => ({
      noteId: `n${i}`,
      at: new Date(),
      by: { userId: 'x', name: 'x', role: 'responder' },
      text: 'n',
    });
    const { id, revision } = await reportWith({});
    // Notes live in the incident's worklog (issue 16 item 5), stored as 1000 notes would leave it.
    await runtime.platform.db.db!.collection('incident_worklogs').insertOne({
      _id: new mongoose.Types.ObjectId(id),
      bureauId: reporter.actor.bureauId,
      notes: filler(LIMITS.notes, note),
      tasks: [],
      links: [],
      revision: 1,
      pendingAudit: [],
    });
    const answer = await call<ErrorJson>(runtime.url, 'POST', `/api/v1/incidents/${id}/notes`, {
      key: responder.key,
      body: { text: 'one more', version: revision },
    });
    expect(answer.status, answer.text).to.equal(409);
    expect(answer.body.error?.details).to.include({ field: 'notes', limit: LIMITS.notes });
  });

  it('when an incident holds 500 obligation records, then a reporter’s next record is refused with 409', async () => {
    const record = () => ({
      obligation: 'report.giro.initial',
      at: new Date(),
      recordedBy: { userId: 'x', role: 'reporter', bureauId: null },
    });
    const { id, revision } = await reportWith({ obligations: filler(LIMITS.obligations, record) });
    const answer = await call<ErrorJson>(runtime.url, 'POST', `/api/v1/incidents/${id}/obligations`, {
      key: reporter.key,
      body: { obligation: 'report.giro.initial', at: new Date().toISOString(), version: revision },
    });
    expect(answer.status, answer.text).to.equal(409);
    expect(answer.body.error?.details).to.include({ field: 'obligations', limit: LIMITS.obligations });
  });
});
