import { expect } from 'chai';
import { systemActor } from '../../../src/auth/index.js';
import { CLOCK_RECORDS_COLLECTION } from '../../../src/clocks/index.js';
import { mongoose } from '../../../src/platform/db/index.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { moveTo, reportAndTriage } from './workflow-fixture.js';
import { waitFor } from '../../helpers/wait.js';

type StoredIncident = {
  revision: number;
  notificationOutbox?: Array<{ notificationId: string; kind: string }>;
};

/**
 * A workflow write records the jobs it causes in the same write (issue 16 item 8): the clock `sync` of
 * the facts it records, and the hand-over of the mails it queued on the incident, which a clock `sync`
 * job does; the clocks' own write records their timers. Nothing is
 * sent or set inline after the write: with the `clocks` queue paused the mail waits on the incident.
 */
describe('Workflow writes record their jobs: timers and the hand-over of queued mails', function () {
  this.timeout(120_000);
  let runtime: TestRuntime;
  let reporter: TestActor;
  let responder: TestActor;

  before(async () => {
    runtime = await startTestRuntime('wfjobs');
    // A bureau with a contact, so the rejection notice to the reporting bureau reaches someone.
    const code = `WJ${Date.now().toString(36).toUpperCase()}`;
    await runtime.modules.auth.bureaux.create(systemActor('test'), {
      code,
      name: 'Workflow Jobs Bureau',
      regimes: ['HK-GOV'],
      contacts: [{ name: 'IT Security Officer', email: 'itso@wfjobs.gov.hk.example', role: 'ITSO' }],
    });
    reporter = await createActor(runtime, { role: 'reporter', bureauId: code });
    responder = await createActor(runtime, { role: 'responder' });
  });
  after(async () => {
    await runtime.stop();
  });

  const stored = async (id: string) =>
    (await runtime.platform.db
      .db!.collection('incidents')
      .findOne({ _id: new mongoose.Types.ObjectId(id) })) as unknown as StoredIncident;

  it('when a responder rejects an incident, then the rejection notice waits on the incident until the recorded `sync` job hands it over', async () => {
    const incident = await reportAndTriage(runtime.url, reporter, responder);
    const clocks = runtime.platform.queues.queue('clocks');
    await clocks.pause();
    let jobId: string;
    try {
      const rejected = await moveTo(runtime.url, responder, incident, 'rejected');
      expect(rejected.status, rejected.text).to.equal(200);
      const after = await stored(incident.id);
      // Queued by the write, not handed over inline.
      expect(after.notificationOutbox?.map((n) => n.kind)).to.deep.equal(['status-update']);
      const mailJobs = () =>
        clocks
          .getJobs(['waiting', 'paused', 'delayed'])
          .then((jobs) => jobs.filter((j) => String(j.id).startsWith(`${incident.id}-mail-`)));
      const recorded = await waitFor(mailJobs, (jobs) => jobs.length > 0);
      expect(recorded, 'the hand-over job the write recorded').to.have.length(1);
      const [job] = recorded as [(typeof recorded)[number]];
      jobId = String(job.id);
      expect(job.data).to.include({ incidentId: incident.id, kind: 'sync' });
      const notices = await runtime.platform.db
        .db!.collection('notifications')
        .countDocuments({ kind: 'status-update', incidentId: incident.id });
      expect(notices, 'nothing requested while the job waits').to.equal(0);
    } finally {
      await clocks.resume();
    }
    await waitFor(
      () => stored(incident.id),
      (doc) => (doc.notificationOutbox ?? []).length === 0,
    );
    const notices = await runtime.platform.db
      .db!.collection('notifications')
      .countDocuments({ kind: 'status-update', incidentId: incident.id });
    expect(notices).to.equal(1);
    expect(await (await clocks.getJob(jobId))?.getState()).to.equal('completed');
  });

  it('when a responder contains an incident, then the timers of the clocks it starts are the jobs their record’s write recorded', async () => {
    const triaged = await reportAndTriage(runtime.url, reporter, responder);
    let current = triaged;
    for (const to of ['acknowledged', 'investigating', 'contained']) {
      const moved = await moveTo(runtime.url, responder, current, to);
      expect(moved.status, moved.text).to.equal(200);
      current = moved.body;
    }
    const record = (await runtime.platform.db
      .db!.collection(CLOCK_RECORDS_COLLECTION)
      .findOne({ _id: new mongoose.Types.ObjectId(triaged.id) })) as unknown as { timers: string[] };
    expect(record.timers.length).to.be.greaterThan(0);
    const clocks = runtime.platform.queues.queue('clocks');
    for (const timerId of record.timers) {
      const job = await waitFor(
        () => clocks.getJob(timerId),
        (found) => found !== undefined,
      );
      expect(await job?.getState(), timerId).to.be.oneOf(['delayed', 'waiting', 'active', 'completed']);
    }
  });
});
