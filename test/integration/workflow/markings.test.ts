import { expect } from 'chai';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { reportBody, uniqueIndicator } from '../../factories/incident.factory.js';
import { auditEventsAbout } from '../../e2e/console-fixture.js';
import { change, reportAndTriage } from './workflow-fixture.js';
import { waitFor } from '../../helpers/wait.js';

interface IncidentJson {
  id: string;
  tlp: string;
  pap: string;
  revision: number;
  campaign?: { relatedIncidentIds: string[] } | null;
}

describe('incident markings (TLP, PAP) and indicator matches over the API and services', function () {
  this.timeout(120_000);
  let runtime: TestRuntime;
  let reporter: TestActor;
  let responder: TestActor;
  let auditor: TestActor;

  before(async () => {
    runtime = await startTestRuntime('wfmark');
    reporter = await createActor(runtime, { role: 'reporter' });
    responder = await createActor(runtime, { role: 'responder' });
    auditor = await createActor(runtime, { role: 'auditor' });
  });
  after(async () => {
    await runtime.stop();
  });

  const read = (actor: TestActor, id: string) =>
    call<IncidentJson>(runtime.url, 'GET', `/api/v1/incidents/${id}`, { key: actor.key });

  it('when a report names no markings, then it is TLP AMBER and PAP AMBER for the bureau and the CERT; when it names them, they are kept', async () => {
    const plain = await call<IncidentJson>(runtime.url, 'POST', '/api/v1/incidents', {
      key: reporter.key,
      body: reportBody({ indicators: [uniqueIndicator()] }),
    });
    expect(plain.status, plain.text).to.equal(201);
    expect(plain.body).to.include({ tlp: 'AMBER', pap: 'AMBER' });
    expect((await read(responder, plain.body.id)).body).to.include({ tlp: 'AMBER', pap: 'AMBER' });
    const marked = await call<IncidentJson>(runtime.url, 'POST', '/api/v1/incidents', {
      key: reporter.key,
      body: reportBody({ indicators: [uniqueIndicator()], tlp: 'AMBER+STRICT', pap: 'RED' }),
    });
    expect(marked.status, marked.text).to.equal(201);
    expect(marked.body).to.include({ tlp: 'AMBER+STRICT', pap: 'RED' });
    // The facts hold the report's facts only: the markings are the incident's own fields.
    const facts = (
      await call<{ facts: Record<string, unknown> }>(
        runtime.url,
        'GET',
        `/api/v1/incidents/${marked.body.id}`,
        { key: reporter.key },
      )
    ).body.facts;
    expect(facts).to.not.have.property('tlp');
  });

  it('when a report is sent again with the same Idempotency-Key naming the default markings, then it is the same report; naming others is a different body', async () => {
    const body = reportBody({ indicators: [uniqueIndicator()] });
    const headers = { 'idempotency-key': `markings-${Date.now()}` };
    const first = await call<IncidentJson>(runtime.url, 'POST', '/api/v1/incidents', {
      key: reporter.key,
      body,
      headers,
    });
    expect(first.status, first.text).to.equal(201);
    const same = await call<IncidentJson>(runtime.url, 'POST', '/api/v1/incidents', {
      key: reporter.key,
      body: { ...body, tlp: 'AMBER', pap: 'AMBER' },
      headers,
    });
    expect(same.body.id, same.text).to.equal(first.body.id);
    const other = await call(runtime.url, 'POST', '/api/v1/incidents', {
      key: reporter.key,
      body: { ...body, tlp: 'RED' },
      headers,
    });
    expect(other.status).to.equal(422);
  });

  it('when a report names a level TLP 2.0 does not have, then it is refused with 422 naming the field', async () => {
    const answer = await call<{ error: { details: Array<{ path: string }> } }>(
      runtime.url,
      'POST',
      '/api/v1/incidents',
      { key: reporter.key, body: reportBody({ tlp: 'WHITE' }) },
    );
    expect(answer.status).to.equal(422);
    expect(answer.body.error.details.map((d) => d.path)).to.include('body.tlp');
  });

  it('when a responder sets the markings with the current version, then both change, the version moves, the bureau sees them and the change is audited; a stale version is 412 and changes nothing', async () => {
    const incident = await reportAndTriage(runtime.url, reporter, responder);
    const stale = await change(
      runtime.url,
      responder,
      `/api/v1/incidents/${incident.id}/markings`,
      incident.revision + 5,
      { tlp: 'RED' },
    );
    expect(stale.status).to.equal(412);
    expect((await read(responder, incident.id)).body.tlp).to.equal('AMBER');

    const set = await change(
      runtime.url,
      responder,
      `/api/v1/incidents/${incident.id}/markings`,
      incident.revision,
      { tlp: 'RED', pap: 'GREEN' },
    );
    expect(set.status, set.text).to.equal(200);
    expect(set.body).to.include({ tlp: 'RED', pap: 'GREEN', revision: incident.revision + 1 });
    expect((await read(reporter, incident.id)).body).to.include({ tlp: 'RED', pap: 'GREEN' });

    const events = await auditEventsAbout(runtime, auditor.key, 'incident.markings_changed', incident.id);
    expect(events).to.have.length(1);
    const changes = (events[0] as unknown as { changes: unknown[] }).changes;
    expect(changes).to.deep.equal([
      { field: 'tlp', before: 'AMBER', after: 'RED' },
      { field: 'pap', before: 'AMBER', after: 'GREEN' },
    ]);

    // The same markings again: nothing to write, the version stays.
    const again = await change(
      runtime.url,
      responder,
      `/api/v1/incidents/${incident.id}/markings`,
      incident.revision + 1,
      { tlp: 'RED' },
    );
    expect(again.status).to.equal(200);
    expect(again.body.revision).to.equal(incident.revision + 1);
  });

  it('when a reporter or an auditor sets markings, or nobody names a level, then it is refused', async () => {
    const incident = await reportAndTriage(runtime.url, reporter, responder);
    const path = `/api/v1/incidents/${incident.id}/markings`;
    expect((await change(runtime.url, reporter, path, incident.revision, { tlp: 'CLEAR' })).status).to.equal(
      403,
    );
    expect((await change(runtime.url, auditor, path, incident.revision, { tlp: 'CLEAR' })).status).to.equal(
      403,
    );
    expect((await change(runtime.url, responder, path, incident.revision, {})).status).to.equal(422);
    expect((await change(runtime.url, responder, path, incident.revision, { tlp: 'amber' })).status).to.equal(
      422,
    );
  });

  it('when another bureau reports the same indicator, then the CERT sees that incident’s reference and bureau by the indicator and in the campaign, and the bureau sees neither', async () => {
    const indicator = uniqueIndicator();
    const other = await createActor(runtime, { role: 'reporter' });
    const mine = await reportAndTriage(runtime.url, reporter, responder, { indicators: [indicator] });
    const theirs = await reportAndTriage(runtime.url, other, responder, { indicators: [indicator] });
    // Triage of the second report links both incidents (campaign); wait for the link on the first.
    await waitFor(
      () => read(responder, mine.id),
      (answer) => (answer.body.campaign?.relatedIncidentIds ?? []).includes(theirs.id),
    );
    const cert = await runtime.modules.workflow.writer.read({ kind: 'all' }, mine.id);
    expect(cert.tlp).to.equal('AMBER');
    const matches = runtime.modules.intake.matches;
    const seen = await matches.forIncident(responder.actor, mine.id);
    expect(seen.indicators).to.have.length(1);
    expect(seen.indicators[0].seenIn).to.deep.equal([
      { ref: theirs.ref, bureauId: other.actor.bureauId, id: theirs.id, status: 'triaged' },
    ]);
    expect(seen.campaign.map((c) => c.ref)).to.deep.equal([theirs.ref]);
    const bureau = await matches.forIncident(reporter.actor, mine.id);
    expect(bureau.indicators[0].seenIn).to.deep.equal([]);
    expect(bureau.campaign).to.deep.equal([]);
    // Another bureau's incident is not found for a reporter, as everywhere.
    let refused: unknown = null;
    await matches.forIncident(reporter.actor, theirs.id).catch((err: unknown) => (refused = err));
    expect((refused as { status?: number } | null)?.status).to.equal(404);
  });
});
