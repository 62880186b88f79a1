import { expect } from 'chai';
import { DateTime } from 'luxon';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { reportAndTriage, workflowOf, type WorkflowJson } from '../workflow/workflow-fixture.js';

describe('Chained clocks over the API', function () {
  this.timeout(90_000);
  let runtime: TestRuntime;
  let reporter: TestActor;
  let responder: TestActor;

  before(async () => {
    runtime = await startTestRuntime('chained');
    reporter = await createActor(runtime, { role: 'reporter' });
    responder = await createActor(runtime, { role: 'responder' });
  });
  after(async () => {
    await runtime.stop();
  });

  it('when the NIS2 notification is recorded, then the final report clock runs to a calendar month later', async () => {
    const incident = await reportAndTriage(runtime.url, reporter, responder, {
      regimes: ['NIS2'],
      functionalImpact: 'medium',
    });
    const waiting = incident.clocks.find((c) => c.key === 'nis2.final-report');
    expect(waiting?.state, JSON.stringify(incident.clocks)).to.equal('pending');
    expect(waiting?.dueAt).to.equal(undefined);

    const at = new Date(Date.now() - 60_000);
    const current = await workflowOf(runtime.url, responder, incident.id);
    const recorded = await call<WorkflowJson>(
      runtime.url,
      'POST',
      `/api/v1/incidents/${incident.id}/obligations`,
      {
        key: reporter.key,
        body: {
          obligation: 'report.nis2.notification',
          at: at.toISOString(),
          version: current.body.revision,
        },
      },
    );
    expect(recorded.status, recorded.text).to.equal(201);
    const final = recorded.body.clocks.find((c) => c.key === 'nis2.final-report');
    expect(final?.state).to.equal('running');
    // NIS2 counts in UTC: the same time of day, one calendar month on (clamped to the month's end).
    const due = DateTime.fromJSDate(at, { zone: 'UTC' }).plus({ months: 1 }).toJSDate();
    expect(final?.dueAt).to.equal(due.toISOString());
    expect(new Date(recorded.body.nextDueAt ?? 0).getTime()).to.be.at.most(due.getTime());
  });
});
