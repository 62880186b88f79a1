import { expect } from 'chai';
import type { Job } from 'bullmq';
import { mongo } from 'mongoose';
import { createAuditModule } from '../../../src/audit/index.js';
import { CLOCK_RECORDS_COLLECTION } from '../../../src/clocks/index.js';
import { reportBody } from '../../factories/incident.factory.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { waitFor } from '../../helpers/wait.js';

interface StoredClocks {
  clocks: Array<{ key: string; state?: string }>;
  timers: string[];
  seq: number;
  decisionId: string;
}

/**
 * A first triage decision stores the clocks it starts in their own record before its incident write,
 * which carries their timers as jobs, and files the queue row itself (issue 16: fewer commands per
 * report): no clock job follows it.
 */
describe('Clocks planned in the first triage decision', function () {
  this.timeout(60_000);
  let runtime: TestRuntime;
  let reporter: TestActor;

  before(async () => {
    runtime = await startTestRuntime('decclk');
    reporter = await createActor(runtime, { role: 'reporter' });
  });
  after(async () => {
    await runtime.stop();
  });

  const stored = async (id: string): Promise<StoredClocks | null> =>
    (await runtime.platform.db.db
      ?.collection(CLOCK_RECORDS_COLLECTION)
      .findOne({ _id: new mongo.ObjectId(id) })) as StoredClocks | null;

  it('when a report is triaged, then its clocks run from that write, their timers are set, its queue row is filed, and no clock job reads it again', async () => {
    const created = await call<{ id: string }>(runtime.url, 'POST', '/api/v1/incidents', {
      key: reporter.key,
      body: reportBody(),
    });
    expect(created.status, created.text).to.equal(201);
    const id = created.body.id;
    const clocksQueue = runtime.platform.queues.queue('clocks');
    const responder = await createActor(runtime, { role: 'responder' });
    type QueuePage = { items: Array<{ id: string; nextDueAt: string | null }> };
    const triaged = await waitFor(
      () =>
        call<{ triage: { queue: string } | null }>(runtime.url, 'GET', `/api/v1/incidents/${id}`, {
          key: responder.key,
        }),
      (answer) => answer.body.triage !== null,
    );
    const queue = triaged.body.triage!.queue;
    const listed = await waitFor(
      () =>
        call<QueuePage>(runtime.url, 'GET', `/api/v1/queues/${queue}/incidents?limit=200`, {
          key: responder.key,
        }),
      (page) => page.body.items.some((item) => item.id === id),
    );
    expect(
      listed.body.items.find((item) => item.id === id)?.nextDueAt,
      'the row carries its deadline',
    ).to.be.a('string');
    const incident = await stored(id);
    expect(incident?.clocks.length).to.be.greaterThan(0);
    // Stored with their progress (state), not as the decision's bare specs; the filing met its clock.
    const states = incident?.clocks.map((clock) => clock.state);
    expect(states).to.include('running');
    expect(states).to.include('met');
    expect(states).not.to.include(undefined);
    // No clock write came after the decision: the record is as triage stored it, following it.
    expect(incident?.seq).to.equal(1);
    expect(incident?.decisionId).to.equal((triaged.body.triage as { decisionId?: string }).decisionId);
    expect(incident?.timers.length).to.be.greaterThan(0);
    for (const timerId of incident?.timers ?? []) {
      const state = await waitFor(
        () => clocksQueue.getJobState(timerId),
        (found) => found !== 'unknown',
      );
      expect(state, timerId).to.equal('delayed');
    }
    const clockJobs = await clocksQueue.getJobs(['completed', 'active', 'waiting', 'failed']);
    expect(
      clockJobs.filter((job: Job) => job.id?.startsWith(`${id}-`)).map((job: Job) => job.id),
      'no clock job runs after the decision',
    ).to.deep.equal([]);
    // The clocks it started are in the trail once, recorded as the clock service records them.
    const trail = createAuditModule(runtime.platform, { sweeps: false }).audit;
    const events = await waitFor(
      () => trail.forSubject('incident', id),
      (found) => found.some((event) => event.action === 'clocks.updated'),
    );
    const clockEvents = events.filter((event) => event.action === 'clocks.updated');
    expect(clockEvents).to.have.length(1);
    expect(clockEvents[0].actor.userId).to.equal('system:clocks');
    expect(events.map((event) => event.action)).to.include('incident.triaged');
  });
});
