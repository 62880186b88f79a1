import { expect } from 'chai';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

interface Summary {
  queue: string;
  total: number;
  unassigned: number;
  bySeverity: Record<string, number>;
  oldest: unknown;
  nextDue: unknown;
}
interface ErrorBody {
  error: { code: string; message: string; details: unknown; requestId: string | null };
}

// The queues the default pack routes to (policies/packs/hk-gov/routing.yaml).
const POLICY_QUEUES = ['cert-critical', 'cert-general', 'cert-low', 'cert-malware'];

describe('workflow: team queues the policy knows', () => {
  let runtime: TestRuntime;
  let responder: TestActor;

  before(async () => {
    // A fresh database and queue prefix: nothing has been reported, so every queue is empty.
    runtime = await startTestRuntime('queues');
    responder = await createActor(runtime, { role: 'responder' });
  });
  after(async () => {
    await runtime.stop();
  });

  it('when no incident is queued, then every queue the policy routes to is listed with zero counts', async () => {
    const answer = await call<{ items: Summary[] }>(runtime.url, 'GET', '/api/v1/queues', {
      key: responder.key,
    });
    expect(answer.status).to.equal(200);
    expect(answer.body.items.map((s) => s.queue)).to.deep.equal(POLICY_QUEUES);
    for (const summary of answer.body.items) {
      expect(summary).to.deep.equal({
        queue: summary.queue,
        total: 0,
        unassigned: 0,
        bySeverity: { S1: 0, S2: 0, S3: 0, S4: 0 },
        oldest: null,
        nextDue: null,
      });
    }
  });

  it('when a queue nobody knows is asked for, then it is a 404 naming it, while a known empty one is an empty page', async () => {
    const empty = await call<{ queue: string; items: unknown[]; nextOffset: number | null }>(
      runtime.url,
      'GET',
      '/api/v1/queues/cert-malware/incidents',
      { key: responder.key },
    );
    expect(empty.status).to.equal(200);
    expect(empty.body).to.deep.equal({ queue: 'cert-malware', items: [], nextOffset: null });

    const answer = await call<ErrorBody>(runtime.url, 'GET', '/api/v1/queues/cert-nonesuch/incidents', {
      key: responder.key,
    });
    expect(answer.status).to.equal(404);
    expect(answer.body.error.code).to.equal('not_found');
    expect(answer.body.error.message).to.contain('cert-nonesuch');
    expect(answer.body.error.requestId).to.be.a('string');
  });
});
