import { expect } from 'chai';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import type { QueueFilter, QueueRow } from '../../../src/workflow/index.js';
import { change, reportAndTriage, walkTo, workflowOf, type WorkflowJson } from './workflow-fixture.js';

const ids = (rows: readonly QueueRow[]) => rows.map((row) => row.id);

describe('workflow: queue filters and paging from the queue index', function () {
  this.timeout(120_000);
  let runtime: TestRuntime;
  let reader: TestActor;
  let holder: TestActor;
  let bureauA: TestActor;
  let bureauB: TestActor;
  let queue: string;
  const incidents: WorkflowJson[] = [];

  before(async () => {
    runtime = await startTestRuntime('qfilter');
    reader = await createActor(runtime, { role: 'responder' });
    holder = await createActor(runtime, { role: 'responder' });
    bureauA = await createActor(runtime, { role: 'reporter' });
    bureauB = await createActor(runtime, { role: 'reporter' });
    for (const reporter of [bureauA, bureauB, bureauA, bureauB, bureauA, bureauB]) {
      incidents.push(await reportAndTriage(runtime.url, reporter, reader));
    }
    queue = incidents[0].queue ?? '';
    expect(incidents.every((incident) => incident.queue === queue)).to.equal(true);
    // The holder claims two (one of each bureau) and moves one of them on.
    for (const incident of [incidents[0], incidents[1]]) {
      const current = await workflowOf(runtime.url, holder, incident.id);
      expect(
        (await change(runtime.url, holder, `/api/v1/incidents/${incident.id}/claim`, current.body.revision))
          .status,
      ).to.equal(200);
    }
    await walkTo(
      runtime.url,
      holder,
      (await workflowOf(runtime.url, holder, incidents[0].id)).body,
      'investigating',
    );
  });
  after(async () => {
    await runtime.stop();
  });

  const queues = () => runtime.modules.workflow.queues;
  /** The whole queue in its order, filtered here: what every filtered page must agree with. */
  async function expected(filter: QueueFilter): Promise<string[]> {
    const all = (await queues().filteredPage(queue, {}, 200, 0)).items;
    return ids(
      all.filter(
        (row) =>
          (!filter.bureauId || row.bureauId === filter.bureauId) &&
          (!filter.status || row.status === filter.status) &&
          (!filter.severity || row.severity === filter.severity) &&
          (!filter.assignee || (row.assignee?.userId ?? 'none') === filter.assignee) &&
          (!filter.mine || row.assignee?.userId === filter.mine),
      ),
    );
  }

  it('when a queue is filtered by bureau, status, assignee, mine or several at once, then each page is the matching rows in the queue’s order with the right count', async () => {
    const filters: QueueFilter[] = [
      { bureauId: bureauA.actor.bureauId ?? '' },
      { status: 'investigating' },
      { status: 'triaged', bureauId: bureauB.actor.bureauId ?? '' },
      { assignee: 'none' },
      { assignee: holder.userId },
      { mine: holder.userId, bureauId: bureauB.actor.bureauId ?? '' },
      { mine: reader.userId },
      { severity: incidents[0].severity ?? 'S4', assignee: 'none' },
    ];
    for (const filter of filters) {
      const want = await expected(filter);
      const page = await queues().filteredPage(queue, filter, 50, 0);
      expect(ids(page.items), JSON.stringify(filter)).to.deep.equal(want);
      expect(page.total, JSON.stringify(filter)).to.equal(want.length);
    }
    expect((await queues().filteredPage(queue, { mine: reader.userId }, 50, 0)).total).to.equal(0);
    const choices = await queues().filteredPage(queue, {}, 1, 0);
    expect(choices.bureaux).to.deep.equal([bureauA.actor.bureauId, bureauB.actor.bureauId].sort());
    expect(choices.assignees.map((a) => a.userId)).to.deep.equal([holder.userId]);
  });

  it('when a filtered queue is read a page at a time, then the pages join up to the whole in order', async () => {
    const filter = { bureauId: bureauA.actor.bureauId ?? '' };
    const whole = await expected(filter);
    const first = await queues().filteredPage(queue, filter, 2, 0);
    const second = await queues().filteredPage(queue, filter, 2, 2);
    expect([...ids(first.items), ...ids(second.items)]).to.deep.equal(whole);
    expect(first.total).to.equal(3);
  });

  it('when an incident is released, then it leaves its holder’s rows and joins the unassigned at once', async () => {
    const current = await workflowOf(runtime.url, holder, incidents[1].id);
    expect(
      (
        await change(
          runtime.url,
          holder,
          `/api/v1/incidents/${incidents[1].id}/release`,
          current.body.revision,
        )
      ).status,
    ).to.equal(200);
    const held = await queues().filteredPage(queue, { assignee: holder.userId }, 50, 0);
    expect(ids(held.items)).to.deep.equal([incidents[0].id]);
    const free = await queues().filteredPage(queue, { assignee: 'none' }, 50, 0);
    expect(ids(free.items)).to.include(incidents[1].id);
    const work = await queues().work(holder.userId, new Date(Date.now() + 365 * 86_400_000), 50);
    expect(ids(work.mine)).to.deep.equal([incidents[0].id]);
  });

  it('when the queue’s filter sets are not complete (rows filed before them), then the same answer comes from the database', async () => {
    const filter = { bureauId: bureauB.actor.bureauId ?? '', assignee: 'none' };
    const want = await expected(filter);
    // As if the rows had been filed before the filter sets existed: no filter fields, no counts.
    const prefix = `${runtime.platform.config.REDIS_PREFIX}:wfq:`;
    const redis = runtime.platform.redis;
    for (const incident of incidents) await redis.hdel(`${prefix}r:${incident.id}`, 'b', 't', 'a');
    await redis.del(`${prefix}fb:${queue}`, `${prefix}fa:${queue}`, `${prefix}fn:${queue}`);
    const page = await queues().filteredPage(queue, filter, 50, 0);
    expect(ids(page.items)).to.have.members(want);
    expect(page.total).to.equal(want.length);
    // The reconciler's re-filing makes the index complete again.
    for (const incident of incidents) {
      await runtime.modules.workflow.clocks.settled(
        await runtime.modules.workflow.writer.read({ kind: 'all' }, incident.id),
      );
    }
    expect(
      (await runtime.platform.redis.hgetall(`${prefix}fb:${queue}`))[bureauB.actor.bureauId ?? ''],
    ).to.equal('3');
  });
});
