import { expect } from 'chai';
import { reportBody, uniqueIndicator } from '../../factories/incident.factory.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

type Problem = { path: string; message: string };
type ErrorJson = { error: { code: string; details: Problem[] } };

describe('Report times are bounded by what is plausible (issue 14, item 1)', function () {
  this.timeout(60_000);
  let runtime: TestRuntime;
  let reporter: TestActor;

  before(async () => {
    // No workers: these tests look at what the API accepts, not at what triage makes of it.
    runtime = await startTestRuntime('rtimes', { RUN_WORKERS: 'false' });
    reporter = await createActor(runtime, { role: 'reporter' });
  });
  after(async () => {
    await runtime.stop();
  });

  const report = (times: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    call<ErrorJson & { id: string }>(runtime.url, 'POST', '/api/v1/incidents', {
      key: reporter.key,
      body: reportBody({ times, indicators: [uniqueIndicator()], ...extra }),
    });
  const paths = (body: ErrorJson) => body.error.details.map((d) => d.path);

  it('when awareAt lies 38 days back, then the report is refused with 422 naming body.times.awareAt', async () => {
    const answer = await report({
      occurredAt: ago(40 * DAY),
      discoveredAt: ago(39 * DAY),
      awareAt: ago(38 * DAY),
    });
    expect(answer.status, answer.text).to.equal(422);
    expect(paths(answer.body)).to.include.members(['body.times.awareAt', 'body.times.discoveredAt']);
    expect(paths(answer.body)).not.to.include('body.times.occurredAt');
  });

  it('when awareAt is in year 0001, then the report is refused with 422 naming it', async () => {
    const answer = await report({ discoveredAt: ago(60_000), awareAt: '0001-01-01T00:00:00Z' });
    expect(answer.status, answer.text).to.equal(422);
    expect(paths(answer.body)).to.include('body.times.awareAt');
  });

  it('when the times are out of order, then the report is refused naming the later field', async () => {
    const answer = await report({
      occurredAt: ago(60_000),
      discoveredAt: ago(2 * 3600_000),
      awareAt: ago(3 * 3600_000),
    });
    expect(answer.status, answer.text).to.equal(422);
    expect(answer.body.error.details).to.deep.include.members([
      { path: 'body.times.discoveredAt', message: 'discoveredAt must not be before occurredAt' },
      { path: 'body.times.awareAt', message: 'awareAt must not be before discoveredAt' },
    ]);
  });

  it('when a ransom was paid before the incident occurred, or it was classified major before discovery, then the report is refused naming each field', async () => {
    const answer = await report({
      occurredAt: ago(3 * 3600_000),
      discoveredAt: ago(2 * 3600_000),
      awareAt: ago(3600_000),
      classifiedMajorAt: ago(150 * 60_000),
      ransomPaidAt: ago(4 * 3600_000),
    });
    expect(answer.status, answer.text).to.equal(422);
    expect(paths(answer.body)).to.include.members([
      'body.times.classifiedMajorAt',
      'body.times.ransomPaidAt',
    ]);
  });

  it('when an external notice is dated a year back, then the report is refused naming it', async () => {
    const answer = await report(
      { discoveredAt: ago(3600_000), awareAt: ago(60_000) },
      { externalNotified: [{ party: 'police', at: ago(365 * DAY) }] },
    );
    expect(answer.status, answer.text).to.equal(422);
    expect(paths(answer.body)).to.deep.equal(['body.externalNotified.0.at']);
  });

  it('when the intrusion occurred two years ago but was discovered today, then the report is accepted', async () => {
    const answer = await report({
      occurredAt: ago(730 * DAY),
      discoveredAt: ago(3600_000),
      awareAt: ago(60_000),
    });
    expect(answer.status, answer.text).to.equal(201);
  });

  it('when a follow-up moves awareAt a year back or before discoveredAt, then it is refused with 422 naming it', async () => {
    const created = await report({ discoveredAt: ago(3600_000), awareAt: ago(60_000) });
    expect(created.status, created.text).to.equal(201);
    const update = (times: Record<string, unknown>) =>
      call<ErrorJson>(runtime.url, 'POST', `/api/v1/incidents/${created.body.id}/updates`, {
        key: reporter.key,
        body: { times },
      });
    const old = await update({ awareAt: ago(365 * DAY) });
    expect(old.status, old.text).to.equal(422);
    expect(paths(old.body)).to.include('body.times.awareAt');
    const early = await update({ awareAt: ago(2 * 3600_000) });
    expect(early.status, early.text).to.equal(422);
    expect(paths(early.body)).to.deep.equal(['body.times.awareAt']);
    const fine = await update({ awareAt: ago(30 * 60_000) });
    expect(fine.status, fine.text).to.equal(201);
  });

  it('when an obligation is recorded as done in year 2000, then it is refused with 422 naming body.at', async () => {
    const created = await report({ discoveredAt: ago(3600_000), awareAt: ago(60_000) });
    const answer = await call<ErrorJson>(
      runtime.url,
      'POST',
      `/api/v1/incidents/${created.body.id}/obligations`,
      {
        key: reporter.key,
        body: { obligation: 'report.giro.initial', at: '2000-01-01T00:00:00Z', version: 0 },
      },
    );
    expect(answer.status, answer.text).to.equal(422);
    expect(paths(answer.body)).to.deep.equal(['body.at']);
  });
});
