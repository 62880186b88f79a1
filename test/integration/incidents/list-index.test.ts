import { expect } from 'chai';
import { listedOf } from '../../../src/incidents/index.js';
import { ALL_SCOPE } from '../../../src/auth/index.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { moveTo, reportAndTriage } from '../workflow/workflow-fixture.js';

interface Row {
  id: string;
  status: string;
  severity: string | null;
}
interface ListPage {
  items: Row[];
  nextCursor: string | null;
}

/** The incident list read through its Redis index (src/incidents/incident-list.index.ts). */
describe('Incident list index', function () {
  this.timeout(120_000);
  let runtime: TestRuntime;
  let a: TestActor;
  let b: TestActor;
  let lead: TestActor;

  const list = async (actor: TestActor, query = '', limit = 100): Promise<ListPage> => {
    const answer = await call<ListPage>(runtime.url, 'GET', `/api/v1/incidents?limit=${limit}${query}`, {
      key: actor.key,
    });
    expect(answer.status, answer.text).to.equal(200);
    return answer.body;
  };
  const ids = async (actor: TestActor, query = ''): Promise<string[]> =>
    (await list(actor, query)).items.map((item) => item.id);

  before(async () => {
    runtime = await startTestRuntime('listindex');
    a = await createActor(runtime, { role: 'reporter' });
    b = await createActor(runtime, { role: 'reporter' });
    lead = await createActor(runtime, { role: 'lead' });
    // The pass the workers ran at start may have ended before the actors existed: one more, so the
    // index is marked ready and every list below reads it.
    await runtime.modules.intake.listReconciler.pass();
    expect(await runtime.modules.intake.listIndex.ready()).to.equal(true);
  });
  after(async () => {
    await runtime.stop();
  });

  it('when a reporter files an incident, then it lands in its bureau index only, and the list shows it first', async () => {
    const filed = await reportAndTriage(runtime.url, a, lead);
    const index = runtime.modules.intake.listIndex;
    const inA = await index.run(a.actor.bureauId ?? '', {}, undefined, 100);
    const inB = await index.run(b.actor.bureauId ?? '', {}, undefined, 100);
    expect(inA.ids[0]).to.equal(filed.id);
    expect(inB.ids).not.to.include(filed.id);
    expect((await ids(a))[0]).to.equal(filed.id);
    expect(await ids(b)).not.to.include(filed.id);
  });

  it('when a write is lost before its filing, then the list leaves it out until the reconciler files it again', async () => {
    const filed = await reportAndTriage(runtime.url, a, lead);
    await runtime.modules.intake.listIndex.forget(filed.id);
    expect(await ids(a)).not.to.include(filed.id);
    const filedAgain = await runtime.modules.intake.listReconciler.pass();
    expect(filedAgain).to.be.greaterThan(0);
    // Included, not necessarily first: ids order by creation second only (the rest is random, so
    // that one id does not give away the next), and the test before filed one in the same second.
    expect(await ids(a)).to.include(filed.id);
  });

  it("when another bureau's incident is filed, even filed under this bureau by a corrupt row, then it is never listed here and the reconciler puts it back", async () => {
    const foreign = await reportAndTriage(runtime.url, b, lead);
    const stored = await runtime.modules.workflow.writer.read(ALL_SCOPE, foreign.id);
    // A row naming bureau A: only MongoDB's own bureau stands between the incident and A's list.
    await runtime.modules.intake.listIndex.put({ ...listedOf(stored), bureauId: a.actor.bureauId ?? '' });
    expect(await ids(a)).not.to.include(foreign.id);
    expect(await ids(a, `&status=${foreign.status}`)).not.to.include(foreign.id);
    expect(await ids(a, `&bureau=${b.actor.bureauId ?? ''}`)).to.deep.equal([]);
    await runtime.modules.intake.listReconciler.pass();
    expect(await ids(a)).not.to.include(foreign.id);
    expect(await ids(b)).to.include(foreign.id);
    expect(await ids(lead, `&bureau=${b.actor.bureauId ?? ''}`)).to.include(foreign.id);
  });

  it('when a responder moves an incident on, then the status filters follow it and the cursor still walks every incident once', async () => {
    const first = await reportAndTriage(runtime.url, a, lead);
    const second = await reportAndTriage(runtime.url, a, lead);
    const moved = await moveTo(runtime.url, lead, second, 'acknowledged');
    expect(moved.status, moved.text).to.equal(200);
    expect(await ids(a, '&status=acknowledged')).to.deep.equal([second.id]);
    const triaged = await ids(a, '&status=triaged');
    expect(triaged).to.include(first.id);
    expect(triaged).not.to.include(second.id);
    const severity = first.severity ?? 'S4';
    const bySeverity = await list(a, `&severity=${severity}`);
    expect(bySeverity.items.map((item) => item.id)).to.include(first.id);
    expect(bySeverity.items.every((item) => item.severity === severity)).to.equal(true);

    const all = await ids(a);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ListPage = await list(a, cursor ? `&cursor=${cursor}` : '', 2);
      walked.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(walked).to.deep.equal(all);
    expect(all).to.deep.equal([...all].sort().reverse());
  });
});
