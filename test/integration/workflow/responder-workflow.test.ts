import { expect } from 'chai';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import {
  change,
  moveTo,
  reportAndTriage,
  walkTo,
  workflowOf,
  type WorkflowJson,
} from './workflow-fixture.js';
import { waitFor } from '../../helpers/wait.js';

interface ErrorJson {
  error: { code: string; details: unknown };
}

describe('Responder workflow over the API', function () {
  this.timeout(90_000);
  let runtime: TestRuntime;
  let reporter: TestActor;
  let otherReporter: TestActor;
  let responders: TestActor[];
  let lead: TestActor;

  before(async () => {
    runtime = await startTestRuntime('wfresp');
    reporter = await createActor(runtime, { role: 'reporter' });
    otherReporter = await createActor(runtime, { role: 'reporter' });
    responders = await Promise.all([1, 2, 3, 4].map(() => createActor(runtime, { role: 'responder' })));
    lead = await createActor(runtime, { role: 'lead' });
  });
  after(async () => {
    await runtime.stop();
  });

  const r0 = () => responders[0];
  const url = (id: string, tail: string) => `/api/v1/incidents/${id}/${tail}`;

  it('when four responders claim at once, then exactly one gets 200 and the others 409', async () => {
    const incident = await reportAndTriage(runtime.url, reporter, r0());
    const current = await workflowOf(runtime.url, r0(), incident.id);
    const answers = await Promise.all(
      responders.map((r) => change(runtime.url, r, url(incident.id, 'claim'), current.body.revision)),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(
      statuses.filter((s) => s === 200),
      JSON.stringify(statuses),
    ).to.have.length(1);
    expect(
      statuses.filter((s) => s !== 200).every((s) => s === 409 || s === 412),
      JSON.stringify(statuses),
    ).to.equal(true);
    const winner = answers.find((a) => a.status === 200)!;
    const after = await workflowOf(runtime.url, r0(), incident.id);
    expect(after.body.assignee?.userId).to.equal(winner.body.assignee?.userId);
    // A late claim with the fresh version still loses to the holder: 409 naming them.
    const loser = responders.find((r) => r.userId !== winner.body.assignee?.userId)!;
    const late = await change(runtime.url, loser, url(incident.id, 'claim'), after.body.revision);
    expect(late.status).to.equal(409);
    expect((late.body as unknown as ErrorJson).error.code).to.equal('already_claimed');
  });

  it('when a change carries a version older than the incident, then it is a 412 and nothing changes', async () => {
    const incident = await reportAndTriage(runtime.url, reporter, r0());
    const read = await call<WorkflowJson>(runtime.url, 'GET', `/api/v1/incidents/${incident.id}`, {
      key: r0().key,
    });
    const etag = read.headers.get('etag');
    expect(etag).to.equal(`W/"${read.body.revision}"`);
    const claimed = await call<WorkflowJson>(runtime.url, 'POST', url(incident.id, 'claim'), {
      key: r0().key,
      headers: { 'if-match': etag! },
    });
    expect(claimed.status, claimed.text).to.equal(200);
    expect(claimed.headers.get('etag')).to.not.equal(etag);
    const stale = await call(runtime.url, 'POST', url(incident.id, 'notes'), {
      key: responders[1].key,
      body: { text: 'written on the version before the claim' },
      headers: { 'if-match': etag! },
    });
    expect(stale.status).to.equal(412);
    const after = await workflowOf(runtime.url, r0(), incident.id);
    expect(after.body.notes).to.deep.equal([]);
  });

  it('when two responders add notes on the same version, then both are kept and the version they hold still claims (notes do not move the ETag)', async () => {
    const incident = await reportAndTriage(runtime.url, reporter, r0());
    const etag = (await workflowOf(runtime.url, r0(), incident.id)).headers.get('etag')!;
    for (const [who, text] of [
      [r0(), 'first'],
      [responders[1], 'second'],
    ] as const) {
      const noted = await call<WorkflowJson>(runtime.url, 'POST', url(incident.id, 'notes'), {
        key: who.key,
        body: { text },
        headers: { 'if-match': etag },
      });
      expect(noted.status, noted.text).to.equal(201);
      expect(noted.headers.get('etag')).to.equal(etag);
    }
    const task = await call<WorkflowJson>(runtime.url, 'POST', url(incident.id, 'tasks'), {
      key: r0().key,
      body: { title: 'Image the web server' },
      headers: { 'if-match': etag },
    });
    expect(task.status, task.text).to.equal(201);
    const claimed = await call<WorkflowJson>(runtime.url, 'POST', url(incident.id, 'claim'), {
      key: responders[1].key,
      headers: { 'if-match': etag },
    });
    expect(claimed.status, claimed.text).to.equal(200);
    expect(claimed.body.notes.map((n) => n.text)).to.deep.equal(['first', 'second']);
    // A conditional GET with the version still gets the notes: the ETag is a version, not a validator.
    const again = await call<WorkflowJson>(runtime.url, 'GET', `/api/v1/incidents/${incident.id}/workflow`, {
      key: r0().key,
      headers: { 'if-none-match': claimed.headers.get('etag')! },
    });
    expect(again.status).to.equal(200);
    expect(again.body.notes.map((n) => n.text)).to.deep.equal(['first', 'second']);
  });

  it('when a lead assigns, then the assignee changes; a responder may not assign (403)', async () => {
    const incident = await reportAndTriage(runtime.url, reporter, r0());
    const denied = await change(runtime.url, r0(), url(incident.id, 'assign'), incident.revision, {
      userId: responders[1].userId,
    });
    expect(denied.status).to.equal(403);
    const current = await workflowOf(runtime.url, lead, incident.id);
    const assigned = await change(runtime.url, lead, url(incident.id, 'assign'), current.body.revision, {
      userId: responders[1].userId,
    });
    expect(assigned.status, assigned.text).to.equal(200);
    expect(assigned.body.assignee?.userId).to.equal(responders[1].userId);
    const released = await change(
      runtime.url,
      responders[1],
      url(incident.id, 'release'),
      assigned.body.revision,
    );
    expect(released.status, released.text).to.equal(200);
    expect(released.body.assignee).to.equal(null);
  });

  it('when an S2 incident is closed without its post-incident review, then 422 names the missing fields', async () => {
    const incident = await walkTo(
      runtime.url,
      r0(),
      await reportAndTriage(runtime.url, reporter, r0()),
      'recovered',
    );
    expect(incident.severity).to.equal('S2');
    const refused = await change(runtime.url, r0(), url(incident.id, 'transitions'), incident.revision, {
      to: 'closed',
      postIncident: { rootCause: 'Phishing' },
    });
    expect(refused.status).to.equal(422);
    const paths = ((refused.body as unknown as ErrorJson).error.details as Array<{ path: string }>)
      .map((p) => p.path)
      .sort();
    // The regulatory clocks still running are named in the same answer (they need a reason or a record).
    expect(paths.filter((p) => p.startsWith('postIncident.'))).to.deep.equal([
      'postIncident.affectedPeople',
      'postIncident.cost',
      'postIncident.lessonsLearnt',
    ]);
    expect(paths.filter((p) => !p.startsWith('postIncident.'))).to.include(
      'notApplicable.hk-gov.post-incident-report',
    );
    const closed = await moveTo(runtime.url, r0(), incident, 'closed');
    expect(closed.status, closed.text).to.equal(200);
  });

  it('when a duplicate is merged, then both are marked and the survivor timeline holds both histories', async () => {
    const survivor = await reportAndTriage(runtime.url, reporter, r0());
    const duplicate = await reportAndTriage(runtime.url, reporter, r0());
    const noted = await change(
      runtime.url,
      r0(),
      url(duplicate.id, 'notes'),
      (await workflowOf(runtime.url, r0(), duplicate.id)).body.revision,
      { text: 'same phishing wave' },
    );
    expect(noted.status).to.equal(201);
    const merged = await change(runtime.url, r0(), url(duplicate.id, 'merge'), noted.body.revision, {
      into: survivor.id,
    });
    expect(merged.status, merged.text).to.equal(200);
    expect(merged.body.status).to.equal('duplicate');
    expect(merged.body.mergedInto?.id).to.equal(survivor.id);
    const after = await workflowOf(runtime.url, r0(), survivor.id);
    expect(after.body.merged.map((m) => m.id)).to.deep.equal([duplicate.id]);
    const timeline = await waitFor(
      () =>
        call<{ items: Array<{ action: string; incident: { id: string } }> }>(
          runtime.url,
          'GET',
          url(survivor.id, 'timeline'),
          { key: r0().key },
        ),
      (a) =>
        a.body.items.some((e) => e.action === 'incident.merged') &&
        a.body.items.some((e) => e.action === 'incident.merged_into'),
    );
    const actions = timeline.body.items.map(
      (e) => `${e.incident.id === survivor.id ? 'S' : 'D'}:${e.action}`,
    );
    expect(actions).to.include.members([
      'S:incident.reported',
      'D:incident.reported',
      'D:note',
      'D:incident.merged_into',
      'S:incident.merged',
    ]);
  });

  it('when a reporter records an obligation, then its clock is met; another bureau cannot see the incident (404)', async () => {
    const incident = await reportAndTriage(runtime.url, reporter, r0());
    // The initial report is met by filing the report here; the preliminary written report is recorded.
    const before = incident.clocks.find((c) => c.key === 'hk-gov.preliminary-report');
    expect(before?.state).to.equal('running');
    const body = {
      obligation: 'report.giro.preliminary',
      at: new Date().toISOString(),
      reference: 'phone call to GIRO-SO',
      version: incident.revision,
    };
    const foreign = await call(runtime.url, 'POST', url(incident.id, 'obligations'), {
      key: otherReporter.key,
      body,
    });
    expect(foreign.status).to.equal(404);
    const current = await workflowOf(runtime.url, r0(), incident.id);
    const recorded = await call<WorkflowJson>(runtime.url, 'POST', url(incident.id, 'obligations'), {
      key: reporter.key,
      body: { ...body, version: current.body.revision },
    });
    expect(recorded.status, recorded.text).to.equal(201);
    expect(recorded.body.clocks.find((c) => c.key === 'hk-gov.preliminary-report')?.state).to.equal('met');
    expect(recorded.body.obligations.map((o) => o.obligation)).to.deep.equal(['report.giro.preliminary']);
  });

  it('when incidents wait in a queue, then the queue lists them by earliest running deadline and sums them up', async () => {
    // b first and aware earlier: its acknowledgement and its preliminary report fall due before a's
    // (its initial report is met by the filing itself, so it no longer sets the order).
    const b = await reportAndTriage(runtime.url, reporter, r0(), {
      times: {
        discoveredAt: new Date(Date.now() - 55 * 60_000).toISOString(),
        awareAt: new Date(Date.now() - 50 * 60_000).toISOString(),
      },
    });
    const a = await reportAndTriage(runtime.url, reporter, r0());
    const page = await call<{ items: Array<{ id: string; nextDueAt: string | null }> }>(
      runtime.url,
      'GET',
      `/api/v1/queues/${a.queue}/incidents?limit=200`,
      { key: r0().key },
    );
    expect(page.status, page.text).to.equal(200);
    const ids = page.body.items.map((i) => i.id);
    expect(ids.indexOf(b.id), 'reported and aware first: its deadlines fall first').to.be.lessThan(
      ids.indexOf(a.id),
    );
    const dues = page.body.items.map((i) => i.nextDueAt ?? '9999').filter(Boolean);
    expect([...dues].sort()).to.deep.equal(dues);
    const summary = await call<{
      items: Array<{
        queue: string;
        total: number;
        bySeverity: Record<string, number>;
        nextDue: { id: string } | null;
      }>;
    }>(runtime.url, 'GET', '/api/v1/queues', { key: r0().key });
    const queue = summary.body.items.find((q) => q.queue === a.queue);
    expect(queue?.total).to.be.greaterThan(1);
    expect(queue?.nextDue?.id).to.equal(ids[0]);
    const denied = await call(runtime.url, 'GET', '/api/v1/queues', { key: reporter.key });
    expect(denied.status).to.equal(403);
  });
});
