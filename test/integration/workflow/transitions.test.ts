import { expect } from 'chai';
import { mongoose } from '../../../src/platform/db/index.js';
import { LIFECYCLE_STATES, TRANSITIONS } from '../../../src/workflow/index.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { moveTo, reportAndTriage, walkTo, workflowOf, type WorkflowJson } from './workflow-fixture.js';

/** Every (from, to) pair of the lifecycle against the API: legal ones succeed, the rest are 409s. */
describe('Workflow lifecycle over the API, table-driven from TRANSITIONS', function () {
  this.timeout(120_000);
  let runtime: TestRuntime;
  let reporter: TestActor;
  let responder: TestActor;
  let survivor: WorkflowJson;
  const atState = new Map<string, WorkflowJson>();

  /** A triaged incident brought to `state` (reported and duplicate need a hand). */
  async function incidentAt(state: string): Promise<WorkflowJson> {
    const triaged = await reportAndTriage(runtime.url, reporter, responder);
    if (state === 'reported') {
      // Triage runs within milliseconds: put a triaged incident back to `reported` to test that state.
      await runtime.platform.db
        .db!.collection('incidents')
        .updateOne({ _id: new mongoose.Types.ObjectId(triaged.id) }, { $set: { status: 'reported' } });
      return (await workflowOf(runtime.url, responder, triaged.id)).body;
    }
    if (state === 'duplicate') {
      const merged = await moveTo(runtime.url, responder, triaged, 'duplicate', survivor.id);
      expect(merged.status, merged.text).to.equal(200);
      return merged.body;
    }
    return walkTo(runtime.url, responder, triaged, state);
  }

  before(async () => {
    runtime = await startTestRuntime('wflife');
    reporter = await createActor(runtime, { role: 'reporter' });
    responder = await createActor(runtime, { role: 'responder' });
    survivor = await reportAndTriage(runtime.url, reporter, responder);
    const prepared = await Promise.all(LIFECYCLE_STATES.map((state) => incidentAt(state)));
    LIFECYCLE_STATES.forEach((state, i) => atState.set(state, prepared[i]));
  });
  after(async () => {
    await runtime.stop();
  });

  for (const from of LIFECYCLE_STATES) {
    for (const to of LIFECYCLE_STATES) {
      const legal = TRANSITIONS[from].includes(to);
      if (legal) {
        it(`when an incident is ${from}, then moving it to ${to} succeeds`, async () => {
          const incident = await incidentAt(from);
          const answer = await moveTo(runtime.url, responder, incident, to, survivor.id);
          expect(answer.status, answer.text).to.equal(200);
          expect(answer.body.status).to.equal(to);
          expect(answer.headers.get('etag')).to.equal(`W/"${answer.body.revision}"`);
          expect(answer.body.revision).to.be.greaterThan(incident.revision);
        });
      } else {
        it(`when an incident is ${from}, then moving it to ${to} is a 409 naming the allowed states`, async () => {
          const incident = atState.get(from)!;
          // Repeating a merge into the same survivor completes it (200); another survivor is refused.
          const into = from === 'duplicate' ? atState.get('triaged')!.id : survivor.id;
          const answer = await moveTo(runtime.url, responder, incident, to, into);
          expect(answer.status, answer.text).to.equal(409);
          const error = (
            answer.body as unknown as { error: { code: string; details: { allowed: string[] } } }
          ).error;
          expect(error.code).to.equal('illegal_transition');
          expect(error.details.allowed).to.deep.equal([...TRANSITIONS[from]]);
          const after = await workflowOf(runtime.url, responder, incident.id);
          expect(after.body.status, 'nothing changed').to.equal(from);
        });
      }
    }
  }

  it('when a transition carries no version, then it is a 428', async () => {
    const incident = atState.get('triaged')!;
    const bare = await fetch(`${runtime.url}/api/v1/incidents/${incident.id}/transitions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${responder.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'acknowledged' }),
    });
    expect(bare.status).to.equal(428);
  });
});
