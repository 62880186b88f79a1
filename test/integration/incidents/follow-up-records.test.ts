import { expect } from 'chai';
import { auditDraft } from '../../../src/audit/index.js';
import { updateEntry } from '../../../src/incidents/follow-ups.js';
import { uniqueIndicator } from '../../factories/incident.factory.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { reportAndTriage } from '../workflow/workflow-fixture.js';
import { waitFor } from '../../helpers/wait.js';

type IncidentJson = {
  revision: number;
  facts: { flags: { mediaInterest: boolean }; impact: { availability: string } };
  indicators: Array<{ value: string }>;
  updates: Array<{ note: string | null; material: boolean }>;
  triage: { round: number };
};

/**
 * A bureau's follow-up is a record of its own (issue 16 item 5): inserted with its audit event and the
 * `updates` job, then applied to the incident by the request, or by the job when the request died in
 * between (items 6 and 8).
 */
describe("The bureau's follow-ups are records of their own, applied once", function () {
  this.timeout(120_000);
  let runtime: TestRuntime;
  let reporter: TestActor;
  let responder: TestActor;

  before(async () => {
    runtime = await startTestRuntime('followrec');
    reporter = await createActor(runtime, { role: 'reporter' });
    responder = await createActor(runtime, { role: 'responder' });
  });
  after(async () => {
    await runtime.stop();
  });

  const read = (id: string) =>
    call<IncidentJson>(runtime.url, 'GET', `/api/v1/incidents/${id}`, { key: responder.key });
  const eventsOf = (id: string, action: string) =>
    runtime.platform.db.db!.collection('audit_events').find({ 'subject.id': id, action }).toArray();

  it('when a request dies after recording a follow-up and before applying it, then the job it recorded applies it once: facts merged, a triage round asked for, one incident.updated event', async () => {
    const triaged = await reportAndTriage(runtime.url, reporter, responder, {
      indicators: [uniqueIndicator()],
    });
    const followUps = runtime.modules.intake.followUps;
    const input = { note: 'The press has asked about the outage.', flags: { mediaInterest: true } };
    // What the request's first write leaves when its process dies right after it.
    const recorded = await followUps.record({
      incidentId: triaged.id,
      bureauId: reporter.actor.bureauId!,
      seq: 1,
      entry: updateEntry(reporter.actor, input, [], true),
      input,
      draft: auditDraft(
        reporter.actor,
        'incident.updated',
        { type: 'incident', id: triaged.id, ref: triaged.ref },
        { bureauId: reporter.actor.bureauId },
      ),
    });
    expect(recorded).to.equal(true);

    const applied = await waitFor(
      () => read(triaged.id),
      (answer) => answer.body.triage.round === 1,
    );
    expect(applied.body.facts.flags.mediaInterest).to.equal(true);
    expect(applied.body.updates.map((u) => u.note)).to.deep.equal([input.note]);
    const stored = await runtime.modules.intake.repository.findById({ kind: 'all' }, triaged.id);
    expect(stored?.updateCount).to.equal(1);
    expect(stored?.triageRound, 'one round for one follow-up').to.equal(1);

    // Applying again (a second delivery of the job) writes nothing.
    const again = await followUps.apply(triaged.id);
    expect(again?.revision).to.equal(stored?.revision);
    await waitFor(
      () => eventsOf(triaged.id, 'incident.updated'),
      (events) => events.length > 0,
    );
    expect(await eventsOf(triaged.id, 'incident.updated')).to.have.length(1);
  });

  it('when two follow-ups are sent at once, then both are kept, numbered one after the other, and each is merged once', async () => {
    const triaged = await reportAndTriage(runtime.url, reporter, responder, {
      indicators: [uniqueIndicator()],
    });
    const added = uniqueIndicator();
    const send = (body: Record<string, unknown>) =>
      call<IncidentJson>(runtime.url, 'POST', `/api/v1/incidents/${triaged.id}/updates`, {
        key: reporter.key,
        body,
      });
    const answers = await Promise.all([
      send({ note: 'A second server is affected.', impact: { availability: 'high' } }),
      send({ note: 'New C2 address.', indicators: [added] }),
    ]);
    for (const answer of answers) expect(answer.status, answer.text).to.equal(201);
    const after = await read(triaged.id);
    expect(after.body.updates.map((u) => u.note)).to.have.members([
      'A second server is affected.',
      'New C2 address.',
    ]);
    expect(after.body.facts.impact.availability).to.equal('high');
    expect(after.body.indicators.filter((i) => i.value === added.value)).to.have.length(1);
    const ids = (
      await runtime.platform.db
        .db!.collection<{ _id: string }>('incident_updates')
        .find({ _id: { $in: [`${triaged.id}-u1`, `${triaged.id}-u2`, `${triaged.id}-u3`] } })
        .toArray()
    ).map((record) => record._id);
    expect(ids.sort()).to.deep.equal([`${triaged.id}-u1`, `${triaged.id}-u2`]);
  });

  it('when many follow-ups race on one incident, then none is answered with a server error: each one answered 201 is stored once, and one refused (409 update_conflict) stored nothing', async () => {
    const triaged = await reportAndTriage(runtime.url, reporter, responder, {
      indicators: [uniqueIndicator()],
    });
    const notes = Array.from({ length: 12 }, (_, n) => `Racing follow-up ${String(n + 1)}.`);
    const answers = await Promise.all(
      notes.map((note) =>
        call<IncidentJson>(runtime.url, 'POST', `/api/v1/incidents/${triaged.id}/updates`, {
          key: reporter.key,
          body: { note },
        }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    for (const answer of answers) {
      expect([201, 409], answer.text).to.include(answer.status);
      if (answer.status === 409) expect(answer.text).to.include('update_conflict');
    }
    const accepted = notes.filter((_, n) => statuses[n] === 201);
    const refused = notes.filter((_, n) => statuses[n] === 409);
    // A follow-up answered 201 may still be applying (its job finishes it): wait for all of them.
    const after = await waitFor(
      () => read(triaged.id),
      (answer) => answer.body.updates.length >= accepted.length,
    );
    const stored = after.body.updates.map((update) => update.note);
    expect(stored).to.have.members(accepted);
    for (const note of refused) expect(stored).to.not.include(note);
    const records = await runtime.platform.db
      .db!.collection('incident_updates')
      .countDocuments({ incidentId: triaged.id });
    expect(records).to.equal(accepted.length);
  });
});
