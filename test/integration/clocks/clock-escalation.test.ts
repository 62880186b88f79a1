import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { mongoose } from '../../../src/platform/db/index.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { reportAndTriage, workflowOf, type WorkflowJson } from '../workflow/workflow-fixture.js';
import { waitFor } from '../../helpers/wait.js';
import { spawnWorkerProcess } from '../../helpers/processes.js';

const FAST = { POLICY_DIR: 'test/fixtures/policies-fast' };

type Clock = WorkflowJson['clocks'][number];

/** Report times for a fast-policy incident: aware `leadSeconds` from now (the API allows 5 min of skew). */
function timesFrom(leadSeconds: number): Record<string, unknown> {
  const aware = new Date(Date.now() + leadSeconds * 1000).toISOString();
  return { times: { discoveredAt: new Date(Date.now() - 60_000).toISOString(), awareAt: aware } };
}

/**
 * Each breached clock's escalation steps must be 0..n, each exactly once (an entry standing for
 * several reminders a late timer found owed covers the `missed` steps up to its own).
 */
function expectStepsOnce(clock: Clock): number[] {
  const steps = (clock.escalations ?? []).flatMap((e) =>
    Array.from({ length: e.missed ?? 1 }, (_, i) => e.step - (e.missed ?? 1) + 1 + i),
  );
  expect(new Set(steps).size, `${clock.key} steps ${JSON.stringify(steps)}`).to.equal(steps.length);
  expect([...steps].sort((a, b) => a - b)).to.deep.equal(steps.map((_, i) => i));
  return steps;
}

describe('Clocks and escalation on the real queues (seconds-scale policy)', function () {
  this.timeout(120_000);

  describe('with workers in the test process', () => {
    let runtime: TestRuntime;
    let reporter: TestActor;
    let responder: TestActor;
    before(async () => {
      runtime = await startTestRuntime('clkmet', FAST);
      reporter = await createActor(runtime, { role: 'reporter' });
      responder = await createActor(runtime, { role: 'responder' });
    });
    after(async () => {
      await runtime.stop();
    });

    it('when a clock is met before its due time, then it never escalates while an unmet one does', async () => {
      // Aware 8 s ahead (due 4 s later): the obligation is recorded on time even when triage is slow.
      // The unmet one is the CERT's acknowledgement (nobody acknowledges); the initial report is met
      // by the filing itself.
      const incident = await reportAndTriage(runtime.url, reporter, responder, timesFrom(8), false);
      // A client's retry on 412, as any client holding a version should have (notification outcomes
      // no longer write the incident, but a responder's change could come in between).
      const record = async () =>
        call<WorkflowJson>(runtime.url, 'POST', `/api/v1/incidents/${incident.id}/obligations`, {
          key: reporter.key,
          body: {
            obligation: 'report.giro.preliminary',
            // Not before the clock starts (aware, a few seconds ahead; the API allows 5 min of skew).
            at: incident.clocks.find((c) => c.key === 'hk-gov.preliminary-report')!.startsAt,
            version: (await workflowOf(runtime.url, responder, incident.id)).body.revision,
          },
        });
      let recorded = await record();
      for (let i = 0; i < 3 && recorded.status === 412; i++) recorded = await record();
      expect(recorded.status, recorded.text).to.equal(201);
      const settled = await waitFor(
        () => workflowOf(runtime.url, responder, incident.id),
        (a) =>
          (a.body.clocks.find((c) => c.key === 'hk-gov.acknowledge')?.escalations ?? []).some(
            (e) => e.step >= 2,
          ),
      );
      for (const key of ['hk-gov.preliminary-report', 'hk-gov.initial-report']) {
        const met = settled.body.clocks.find((c) => c.key === key)!;
        expect(met.state, key).to.equal('met');
        expect(met.escalations, key).to.deep.equal([]);
      }
      const unmet = settled.body.clocks.find((c) => c.key === 'hk-gov.acknowledge')!;
      expect(unmet.state).to.equal('breached');
      expectStepsOnce(unmet);
      // The breach and the ladder's steps are written on the clock record: the version a responder
      // holds since the last change they could see is still the incident's.
      expect(settled.body.revision, 'clock progress does not move the ETag').to.equal(recorded.body.revision);
    });
  });

  describe('with worker processes, one SIGKILLed before the due time', () => {
    let runtime: TestRuntime;
    let reporter: TestActor;
    let responder: TestActor;
    const children: ChildProcess[] = [];

    function spawnWorker(): ChildProcess {
      const { config } = runtime.platform;
      const child = spawnWorkerProcess({
        MONGODB_URI: config.MONGODB_URI,
        REDIS_URL: config.REDIS_URL,
        REDIS_PREFIX: config.REDIS_PREFIX,
        POLICY_DIR: FAST.POLICY_DIR,
      });
      children.push(child);
      return child;
    }

    before(async () => {
      runtime = await startTestRuntime('clkkill', { ...FAST, RUN_WORKERS: 'false' });
      reporter = await createActor(runtime, { role: 'reporter' });
      responder = await createActor(runtime, { role: 'responder' });
    });
    after(async () => {
      for (const child of children)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.all(
        children.map((c) =>
          c.exitCode === null && c.signalCode === null ? once(c, 'exit') : Promise.resolve(),
        ),
      );
      await runtime.stop();
    });

    /** Waits until a worker process is connected to the triage queue (its start takes seconds under load). */
    async function workerConnected(): Promise<void> {
      const queue = runtime.platform.queues.queue('triage');
      for (let i = 0; i < 1200; i++) {
        if ((await queue.getWorkers()).length > 0) return;
        await sleep(100);
      }
      throw new Error('no worker process connected to the triage queue within 2 minutes');
    }

    it('when the worker dies before the due time and two others take over, then each ladder step happens exactly once', async () => {
      const first = spawnWorker();
      // Filed once the worker runs: its cold start must not eat the seconds before the due time.
      await workerConnected();
      // Aware 10 s ahead (due 4 s later): the kill still comes first when triage is slow under load. The
      // preliminary report is watched: filing the report meets the initial report at once.
      const incident = await reportAndTriage(runtime.url, reporter, responder, timesFrom(10), false);
      const due = new Date(
        incident.clocks.find((c) => c.key === 'hk-gov.preliminary-report')!.dueAt!,
      ).getTime();
      expect(due, 'still ahead when the worker is killed').to.be.greaterThan(Date.now());
      first.kill('SIGKILL');
      await once(first, 'exit');
      spawnWorker();
      spawnWorker();
      // Ladder after the due time: breach 0s, levels at 2s, 3s, 4s, 5s, then reminders every 2s.
      const settled = await waitFor(
        () => workflowOf(runtime.url, responder, incident.id),
        (a) =>
          (a.body.clocks.find((c) => c.key === 'hk-gov.preliminary-report')?.escalations ?? []).some(
            (e) => e.step >= 6,
          ),
        // Step 6 falls 9 s after the due time; the new workers need time to start on a busy machine.
        due + 45_000 - Date.now(),
      );
      const clock = settled.body.clocks.find((c) => c.key === 'hk-gov.preliminary-report')!;
      expect(clock.state).to.equal('breached');
      const steps = expectStepsOnce(clock);
      expect(steps.length, `steps ${JSON.stringify(steps)}`).to.be.greaterThanOrEqual(7);
      for (const other of settled.body.clocks.filter((c) => c.state === 'breached')) expectStepsOnce(other);
      // The audit trail agrees: one clock.escalated event per step above 0, one clock.breached.
      await sleep(1500);
      const events = await runtime.platform.db
        .db!.collection('audit_events')
        .find({ 'subject.id': incident.id, 'data.clockKey': 'hk-gov.preliminary-report' })
        .toArray();
      const stored = await runtime.platform.db
        .db!.collection('incidents')
        .findOne({ _id: new mongoose.Types.ObjectId(incident.id) });
      const pending = (stored?.pendingAudit ?? []) as Array<{
        eventId: string;
        action: string;
        data: { clockKey: string; step: number };
      }>;
      // The relay appends before it clears the outbox: a draft read in both places is one event.
      const chained = new Set(events.map((e) => String(e.eventId)));
      const all = [
        ...events,
        ...pending.filter((d) => d.data.clockKey === 'hk-gov.preliminary-report' && !chained.has(d.eventId)),
      ] as unknown as Array<{ action: string; data: { step: number } }>;
      const escalated = all.filter((e) => e.action === 'clock.escalated').map((e) => e.data.step);
      expect(new Set(escalated).size, JSON.stringify(escalated)).to.equal(escalated.length);
      expect(all.filter((e) => e.action === 'clock.breached')).to.have.length(1);
    });
  });
});
