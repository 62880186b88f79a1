import { expect } from 'chai';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { reportBody } from '../../factories/incident.factory.js';

type View = { id: string; ref: string };

describe('Intake idempotency and references', () => {
  let runtime: TestRuntime;
  let reporter: TestActor;
  const count = () => runtime.platform.db.collection('incidents').countDocuments();
  const post = (body: unknown, key?: string) =>
    call<View>(runtime.url, 'POST', '/api/v1/incidents', {
      key: reporter.key,
      body,
      headers: key ? { 'idempotency-key': key } : {},
    });

  before(async () => {
    runtime = await startTestRuntime('intakeidem');
    reporter = await createActor(runtime, { role: 'reporter' });
  });
  after(async () => {
    await runtime.stop();
  });

  it('when a create is retried with the same key and body, then the first incident is returned again', async () => {
    const body = reportBody();
    const first = await post(body, 'retry-1');
    const again = await post(body, 'retry-1');
    expect(first.status).to.equal(201);
    expect(again.status).to.equal(201);
    expect(again.body.id).to.equal(first.body.id);
    expect(again.body.ref).to.equal(first.body.ref);
  });

  it('when the same key comes with a different body, then 422 and nothing new is stored', async () => {
    await post(reportBody(), 'retry-2');
    const before = await count();
    const other = await post(reportBody({ title: 'Something else' }), 'retry-2');
    expect(other.status).to.equal(422);
    expect(await count()).to.equal(before);
  });

  it('when ten retries race with one key, then exactly one incident exists', async () => {
    const body = reportBody();
    const before = await count();
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(body, 'race-1')));
    expect(answers.map((a) => a.status)).to.deep.equal(Array(10).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).to.equal(1);
    expect(await count()).to.equal(before + 1);
  });

  it('when 20 reports are created at once, then their references are unique and gapless', async () => {
    const before = await count();
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(reportBody())));
    expect(answers.every((a) => a.status === 201)).to.equal(true);
    const all = await runtime.platform.db
      .collection('incidents')
      .find({}, { projection: { seq: 1, ref: 1 } })
      .toArray();
    const seqs = all.map((doc) => Number(doc.seq)).sort((a, b) => a - b);
    expect(seqs).to.deep.equal(Array.from({ length: before + 20 }, (_, i) => i + 1));
    expect(new Set(all.map((doc) => String(doc.ref))).size).to.equal(all.length);
  });
});
