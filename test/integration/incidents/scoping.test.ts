import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { reportBody, uniqueIndicator } from '../../factories/incident.factory.js';

type View = { id: string; ref: string; campaign?: { relatedIncidentIds: string[] } | null; status: string };

describe('Bureau scoping and campaign matching', () => {
  let runtime: TestRuntime;
  let a: TestActor;
  let b: TestActor;
  let lead: TestActor;

  before(async () => {
    runtime = await startTestRuntime('intakescope');
    a = await createActor(runtime, { role: 'reporter' });
    b = await createActor(runtime, { role: 'reporter' });
    lead = await createActor(runtime, { role: 'lead' });
  });
  after(async () => {
    await runtime.stop();
  });

  it('when bureaux A and B report the same indicator, then CERT sees a campaign and neither reporter sees the other', async () => {
    const shared = uniqueIndicator();
    const fromB = await call<View>(runtime.url, 'POST', '/api/v1/incidents', {
      key: b.key,
      body: reportBody({ indicators: [shared] }),
    });
    const fromA = await call<View>(runtime.url, 'POST', '/api/v1/incidents', {
      key: a.key,
      body: reportBody({ indicators: [shared] }),
    });
    expect(fromA.status).to.equal(201);
    let seen: View | undefined;
    for (let i = 0; i < 300 && !seen?.campaign; i++) {
      seen = (await call<View>(runtime.url, 'GET', `/api/v1/incidents/${fromB.body.id}`, { key: lead.key }))
        .body;
      await sleep(50);
    }
    expect(seen?.campaign?.relatedIncidentIds).to.deep.equal([fromA.body.id]);
    const own = await call<View>(runtime.url, 'GET', `/api/v1/incidents/${fromA.body.id}`, { key: a.key });
    expect(own.status).to.equal(200);
    expect(own.text).not.to.include(fromB.body.id);
    expect(own.text).not.to.include(fromB.body.ref);
    expect(own.body).not.to.have.property('campaign');
    const foreign = await call(runtime.url, 'GET', `/api/v1/incidents/${fromB.body.id}`, { key: a.key });
    expect(foreign.status).to.equal(404);
    const update = await call(runtime.url, 'POST', `/api/v1/incidents/${fromB.body.id}/updates`, {
      key: a.key,
      body: { note: 'x' },
    });
    expect(update.status).to.equal(404);
    const list = await call<{ items: View[] }>(
      runtime.url,
      'GET',
      `/api/v1/incidents?bureau=${b.actor.bureauId ?? ''}`,
      { key: a.key },
    );
    expect(list.body.items).to.have.length(0);
  });

  it('when a CERT role lists with a page size, then the cursor walks every incident once', async () => {
    for (let i = 0; i < 5; i++)
      await call(runtime.url, 'POST', '/api/v1/incidents', { key: a.key, body: reportBody() });
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: View[]; nextCursor: string | null } } = await call(
        runtime.url,
        'GET',
        `/api/v1/incidents?limit=2&bureau=${a.actor.bureauId ?? ''}${cursor ? `&cursor=${cursor}` : ''}`,
        { key: lead.key },
      );
      ids.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const total = await runtime.modules.intake.incidents.count(a.actor);
    expect(ids.length).to.equal(total);
    expect(new Set(ids).size).to.equal(ids.length);
    const tooBig = await call(runtime.url, 'GET', '/api/v1/incidents?limit=101', { key: lead.key });
    expect(tooBig.status).to.equal(422);
  });
});
