import { expect } from 'chai';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { moveTo, reportAndTriage, walkTo, workflowOf } from '../workflow/workflow-fixture.js';

type IncidentJson = {
  status: string;
  severity: string | null;
  revision: number;
  updates: Array<{ note: string | null; material: boolean }>;
  error?: { code: string; message: string; details: { status: string; allowed: string[] } };
};

describe('Final incidents take no facts that would re-triage them (issue 14, item 7)', function () {
  this.timeout(120_000);
  let runtime: TestRuntime;
  let reporter: TestActor;
  let responder: TestActor;

  before(async () => {
    runtime = await startTestRuntime('finalinc');
    reporter = await createActor(runtime, { role: 'reporter' });
    responder = await createActor(runtime, { role: 'lead' });
  });
  after(async () => {
    await runtime.stop();
  });

  const update = (id: string, body: Record<string, unknown>) =>
    call<IncidentJson>(runtime.url, 'POST', `/api/v1/incidents/${id}/updates`, { key: reporter.key, body });
  const stored = async (id: string) =>
    (await runtime.modules.intake.repository.findById({ kind: 'all' }, id))!;

  for (const state of ['rejected', 'closed'] as const) {
    it(`when the incident is ${state}, then new facts are refused with 409 naming the state, and a note is still taken without re-triage`, async () => {
      // A suspected fault, found not to be an attack (S4), or an incident worked to its end.
      const triaged = await reportAndTriage(runtime.url, reporter, responder, {
        functionalImpact: 'none',
        impact: { confidentiality: 'none', integrity: 'none', availability: 'low', governmentImage: 'none' },
      });
      const final =
        state === 'rejected'
          ? (await moveTo(runtime.url, responder, triaged, 'rejected')).body
          : await walkTo(runtime.url, responder, triaged, 'closed');
      expect(final.status).to.equal(state);
      const before = await stored(triaged.id);
      const clocksBefore = (await workflowOf(runtime.url, responder, triaged.id)).body.clocks;

      const raise = await update(triaged.id, {
        flags: { capSerious: true, mediaInterest: true },
        functionalImpact: 'high',
        note: 'It was an attack after all',
      });
      expect(raise.status, raise.text).to.equal(409);
      expect(raise.body.error?.code).to.equal('incident_final');
      expect(raise.body.error?.message).to.include(state);
      expect(raise.body.error?.details).to.deep.include({ status: state, allowed: ['note'] });

      const note = await update(triaged.id, { note: 'For the record: the vendor confirmed the cause.' });
      expect(note.status, note.text).to.equal(201);
      const after = await stored(triaged.id);
      expect(after.status).to.equal(state);
      expect(after.severity).to.equal(before.severity);
      expect(after.triageRound, 'no triage round asked for').to.equal(before.triageRound);
      expect(after.triagePending).to.equal(false);
      expect(after.updateCount, 'the note is applied').to.equal(1);
      expect(note.body.updates.map((u) => u.note)).to.deep.equal([
        'For the record: the vendor confirmed the cause.',
      ]);
      const clocks = (await workflowOf(runtime.url, responder, triaged.id)).body.clocks;
      expect(clocks, 'no clock restarted or added').to.deep.equal(clocksBefore);
    });
  }
});
