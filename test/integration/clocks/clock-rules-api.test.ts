import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call, type Answer } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { testDataRoot } from '../../helpers/services.js';
import { reportBody, uniqueIndicator } from '../../factories/incident.factory.js';
import {
  NOT_APPLICABLE_IN_TESTS,
  POST_INCIDENT,
  change,
  reportAndTriage,
  runningClockKeys,
  walkTo,
  workflowOf,
  type WorkflowJson,
} from '../workflow/workflow-fixture.js';
import { waitFor } from '../../helpers/wait.js';

interface Problem {
  path: string;
  message: string;
  allowed?: string[];
}
interface ErrorJson {
  error: { code: string; message: string; details: Problem[] | null };
}

const INITIAL = 'hk-gov.initial-report';
const PRELIMINARY = 'report.giro.preliminary';
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const problemsOf = (answer: Answer<unknown>): Problem[] => (answer.body as ErrorJson).error.details ?? [];
const pathsOf = (answer: Answer<unknown>): string[] => problemsOf(answer).map((p) => p.path);

/** Clocks that follow the rules (issue 16, items 13 to 17), over HTTP on the real services. */
describe('Clock rules over the API: who meets what, when, and closing', function () {
  this.timeout(120_000);
  let runtime: TestRuntime;
  let reporter: TestActor;
  let responder: TestActor;

  before(async () => {
    runtime = await startTestRuntime('clkrules');
    reporter = await createActor(runtime, { role: 'reporter' });
    responder = await createActor(runtime, { role: 'responder' });
  });
  after(async () => {
    await runtime.stop();
  });

  const url = (id: string, tail: string) => `/api/v1/incidents/${id}/${tail}`;
  /** Records an obligation with the incident's current version (system writes move it). */
  async function record(actor: TestActor, id: string, body: Record<string, unknown>) {
    const current = await workflowOf(runtime.url, responder, id);
    return call<WorkflowJson>(runtime.url, 'POST', url(id, 'obligations'), {
      key: actor.key,
      body: { at: new Date().toISOString(), ...body, version: current.body.revision },
    });
  }
  const clock = (view: WorkflowJson, key: string) => view.clocks.find((c) => c.key === key);

  describe('item 13: a bureau meets only what it owes', () => {
    it('when a reporter records the CERT’s acknowledge or contain obligation, then 403 and the clocks still run', async () => {
      const incident = await reportAndTriage(runtime.url, reporter, responder);
      expect(clock(incident, 'hk-gov.acknowledge')?.state).to.equal('running');
      for (const obligation of ['incident.acknowledge', 'incident.contain']) {
        const refused = await record(reporter, incident.id, { obligation });
        expect(refused.status, refused.text).to.equal(403);
        expect((refused.body as unknown as ErrorJson).error.code).to.equal('forbidden');
      }
      const after = (await workflowOf(runtime.url, responder, incident.id)).body;
      expect(clock(after, 'hk-gov.acknowledge')?.state).to.equal('running');
      expect(clock(after, 'hk-gov.contain')?.state).to.equal('running');
      expect(after.obligations.map((o) => o.obligation)).to.deep.equal([]);
      // The compliance figures count nothing met for the CERT either.
      const recorded = await record(reporter, incident.id, { obligation: PRELIMINARY });
      expect(recorded.status, recorded.text).to.equal(201);
      expect(clock(recorded.body, 'hk-gov.preliminary-report')?.state).to.equal('met');
    });

    it('when CERT staff record acknowledge as an obligation, then 422 sends them to the action, which meets it', async () => {
      const incident = await reportAndTriage(runtime.url, reporter, responder);
      const refused = await record(responder, incident.id, { obligation: 'incident.acknowledge' });
      expect(refused.status, refused.text).to.equal(422);
      expect(pathsOf(refused)).to.deep.equal(['body.obligation']);
      expect(problemsOf(refused)[0]?.message).to.match(/acknowledg/);
      const current = await workflowOf(runtime.url, responder, incident.id);
      const acknowledged = await change(
        runtime.url,
        responder,
        url(incident.id, 'acknowledge'),
        current.body.revision,
      );
      expect(acknowledged.status, acknowledged.text).to.equal(200);
      expect(clock(acknowledged.body, 'hk-gov.acknowledge')?.state).to.equal('met');
    });
  });

  describe('item 14: names and times the incident’s clocks allow', () => {
    it('when an obligation no clock of the incident has is recorded, then 422 names body.obligation and lists the valid ones', async () => {
      const incident = await reportAndTriage(runtime.url, reporter, responder);
      const byBureau = await record(reporter, incident.id, { obligation: 'report.nis2.notification' });
      expect(byBureau.status, byBureau.text).to.equal(422);
      expect(pathsOf(byBureau)).to.deep.equal(['body.obligation']);
      const allowed = problemsOf(byBureau)[0]?.allowed ?? [];
      expect(allowed).to.include.members([PRELIMINARY, 'report.giro.initial']);
      expect(
        allowed.every((name) => name.startsWith('report.')),
        allowed.join(),
      ).to.equal(true);
      expect(problemsOf(byBureau)[0]?.message).to.include(PRELIMINARY);
      const byCert = await record(responder, incident.id, { obligation: 'report.made-up' });
      expect(byCert.status, byCert.text).to.equal(422);
      expect(problemsOf(byCert)[0]?.allowed).to.include(PRELIMINARY);
      expect(problemsOf(byCert)[0]?.allowed).to.not.include('incident.acknowledge');
      const after = (await workflowOf(runtime.url, responder, incident.id)).body;
      expect(after.obligations).to.deep.equal([]);
    });

    it('when the time done is before the clock started or in the future, then 422 names body.at and nothing is met', async () => {
      // Aware 30 minutes ago: the preliminary report's clock starts then.
      const incident = await reportAndTriage(runtime.url, reporter, responder);
      const startsAt = new Date(clock(incident, 'hk-gov.preliminary-report')?.startsAt ?? 0).getTime();
      const early = await record(reporter, incident.id, {
        obligation: PRELIMINARY,
        at: new Date(startsAt - 5 * 60_000).toISOString(),
      });
      expect(early.status, early.text).to.equal(422);
      expect(pathsOf(early)).to.deep.equal(['body.at']);
      const future = await record(reporter, incident.id, {
        obligation: PRELIMINARY,
        at: new Date(Date.now() + 3600_000).toISOString(),
      });
      expect(future.status, future.text).to.equal(422);
      expect(pathsOf(future)).to.deep.equal(['body.at']);
      const after = (await workflowOf(runtime.url, responder, incident.id)).body;
      expect(clock(after, 'hk-gov.preliminary-report')?.state).to.equal('running');
      const onTime = await record(reporter, incident.id, {
        obligation: PRELIMINARY,
        at: new Date(startsAt + 60_000).toISOString(),
      });
      expect(onTime.status, onTime.text).to.equal(201);
    });

    it('when a bureau records a report before its incident is triaged, then the clocks triage starts take it in', async () => {
      const triage = runtime.platform.queues.queue('triage');
      await triage.pause();
      let id: string;
      try {
        const filed = await call<WorkflowJson>(runtime.url, 'POST', '/api/v1/incidents', {
          key: reporter.key,
          body: reportBody({ indicators: [uniqueIndicator()] }),
        });
        expect(filed.status, filed.text).to.equal(201);
        id = filed.body.id;
        const early = await record(reporter, id, { obligation: PRELIMINARY, reference: 'phoned first' });
        expect(early.status, early.text).to.equal(201);
        expect(early.body.clocks, 'no clocks before triage').to.deep.equal([]);
      } finally {
        await triage.resume();
      }
      const triaged = await waitFor(
        () => workflowOf(runtime.url, responder, id),
        (answer) => clock(answer.body, 'hk-gov.preliminary-report')?.state === 'met',
      );
      expect(clock(triaged.body, 'hk-gov.preliminary-report')?.metAt).to.be.a('string');
      expect(clock(triaged.body, 'hk-gov.interim-report')?.state, 'chained to it').to.equal('running');
    });
  });

  describe('item 15: the report filed here is the initial report to GIRO-SO', () => {
    it('when a bureau files a report, then the initial report clock is met at the time it was filed', async () => {
      const incident = await reportAndTriage(runtime.url, reporter, responder);
      const read = await call<{ reportedAt: string }>(
        runtime.url,
        'GET',
        `/api/v1/incidents/${incident.id}`,
        {
          key: responder.key,
        },
      );
      const initial = clock(incident, INITIAL);
      expect(initial?.state, JSON.stringify(initial)).to.equal('met');
      expect(initial?.metAt).to.equal(read.body.reportedAt);
      expect(initial?.filedAt).to.equal(read.body.reportedAt);
    });

    it('when the report is filed more than an hour after the bureau became aware, then the clock is met late', async () => {
      const incident = await reportAndTriage(runtime.url, reporter, responder, {
        times: { occurredAt: minutesAgo(200), discoveredAt: minutesAgo(150), awareAt: minutesAgo(90) },
      });
      const initial = clock(incident, INITIAL);
      expect(initial?.state, JSON.stringify(initial)).to.equal('breached');
      expect(initial?.metAt).to.be.a('string');
    });
  });

  describe('item 16: closing needs the regulatory clocks met or not applicable', () => {
    it('when a recovered incident is closed with clocks running, then 422 lists them; marked with reasons it closes, audited, with no clock running', async () => {
      const recovered = await walkTo(
        runtime.url,
        responder,
        await reportAndTriage(runtime.url, reporter, responder),
        'recovered',
      );
      const path = url(recovered.id, 'transitions');
      const close = async (extra: Record<string, unknown>) =>
        change(
          runtime.url,
          responder,
          path,
          (await workflowOf(runtime.url, responder, recovered.id)).body.revision,
          { to: 'closed', postIncident: POST_INCIDENT, ...extra },
        );
      const refused = await close({});
      expect(refused.status, refused.text).to.equal(422);
      const running = runningClockKeys(refused);
      expect(running).to.include.members(['hk-gov.preliminary-report', 'hk-gov.post-incident-report']);
      expect(running.every((key) => !key.endsWith('acknowledge') && !key.endsWith('contain'))).to.equal(true);

      // The bureau sends its preliminary report: that one is met, and no longer listed.
      expect((await record(reporter, recovered.id, { obligation: PRELIMINARY })).status).to.equal(201);
      const fewer = await close({});
      expect(fewer.status).to.equal(422);
      expect(runningClockKeys(fewer)).to.not.include('hk-gov.preliminary-report');

      const wrong = await close({ notApplicable: { 'hk-gov.acknowledge': 'not a report' } });
      expect(wrong.status).to.equal(422);
      expect(pathsOf(wrong)).to.include('notApplicable.hk-gov.acknowledge');

      const marks = Object.fromEntries(runningClockKeys(fewer).map((key) => [key, NOT_APPLICABLE_IN_TESTS]));
      const closed = await close({ notApplicable: marks });
      expect(closed.status, closed.text).to.equal(200);
      expect(closed.body.status).to.equal('closed');
      const states = closed.body.clocks.map((c) => `${c.key}:${c.state}`);
      expect(
        states.filter((s) => s.endsWith(':running') || s.endsWith(':pending')),
        states.join(),
      ).to.deep.equal([]);
      for (const key of Object.keys(marks)) {
        expect(clock(closed.body, key)?.state).to.equal('not_applicable');
        expect(clock(closed.body, key)?.notApplicable?.reason).to.equal(NOT_APPLICABLE_IN_TESTS);
      }
      expect(clock(closed.body, 'hk-gov.preliminary-report')?.state).to.equal('met');
      // The reasons are in the audit trail, with who closed it.
      const timeline = await waitFor(
        () =>
          call<{
            items: Array<{ action: string; data: Record<string, unknown>; by: { userId: string } | null }>;
          }>(runtime.url, 'GET', url(recovered.id, 'timeline'), { key: responder.key }),
        (a) =>
          a.body.items.some(
            (i) => i.action === 'incident.transitioned' && i.data.notApplicable !== undefined,
          ),
      );
      const event = timeline.body.items.find(
        (i) => i.action === 'incident.transitioned' && i.data.notApplicable !== undefined,
      );
      expect(event?.data.notApplicable).to.have.deep.members(
        Object.entries(marks).map(([key, reason]) => ({ clock: key, reason })),
      );
      expect(event?.by?.userId).to.equal(responder.userId);
    });

    it('when clocks are marked not applicable on a move other than closing, then 422 names notApplicable', async () => {
      const incident = await reportAndTriage(runtime.url, reporter, responder);
      const refused = await change(
        runtime.url,
        responder,
        url(incident.id, 'transitions'),
        incident.revision,
        {
          to: 'acknowledged',
          notApplicable: { 'hk-gov.preliminary-report': 'no' },
        },
      );
      expect(refused.status, refused.text).to.equal(422);
      expect(pathsOf(refused)).to.deep.equal(['notApplicable']);
    });
  });

  describe('item 17: an error carries no ETag', () => {
    it('when a change is refused (412, 422, 403) or the incident is not found (404), then the answer has no ETag; a success has the incident’s', async () => {
      const incident = await reportAndTriage(runtime.url, reporter, responder);
      const read = await workflowOf(runtime.url, responder, incident.id);
      expect(read.headers.get('etag')).to.equal(`W/"${read.body.revision}"`);
      const stale = await change(runtime.url, responder, url(incident.id, 'claim'), read.body.revision + 100);
      expect(stale.status).to.equal(412);
      const unknown = await record(reporter, incident.id, { obligation: 'report.made-up' });
      expect(unknown.status).to.equal(422);
      const forbidden = await record(reporter, incident.id, { obligation: 'incident.contain' });
      expect(forbidden.status).to.equal(403);
      const missing = await call(runtime.url, 'GET', url('0123456789abcdef01234567', 'workflow'), {
        key: responder.key,
      });
      expect(missing.status).to.equal(404);
      for (const answer of [stale, unknown, forbidden, missing]) {
        expect(answer.headers.get('etag'), `${answer.status} ${answer.text}`).to.equal(null);
        expect(answer.headers.get('content-type')).to.match(/^application\/json/);
      }
    });
  });
});

describe('Clock rules over the API: a policy where filing does not meet the initial report', function () {
  this.timeout(120_000);
  let runtime: TestRuntime;
  let dir: string;
  let reporter: TestActor;
  let responder: TestActor;

  before(async () => {
    dir = mkdtempSync(join(testDataRoot(), 'govcert-policy-'));
    cpSync('policies', dir, { recursive: true });
    const file = join(dir, 'packs/hk-gov/clocks.yaml');
    const yaml = readFileSync(file, 'utf8');
    if (!yaml.includes('metByFiling: true')) throw new Error('the HK-GOV pack no longer sets metByFiling');
    writeFileSync(file, yaml.replace('metByFiling: true', 'metByFiling: false'));
    runtime = await startTestRuntime('clkfiled', { POLICY_DIR: dir });
    reporter = await createActor(runtime, { role: 'reporter' });
    responder = await createActor(runtime, { role: 'responder' });
  });
  after(async () => {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when metByFiling is false, then the initial report runs until the bureau records it', async () => {
    const incident = await reportAndTriage(runtime.url, reporter, responder);
    expect(incident.clocks.find((c) => c.key === INITIAL)?.state).to.equal('running');
    const current = await workflowOf(runtime.url, responder, incident.id);
    const recorded = await call<WorkflowJson>(
      runtime.url,
      'POST',
      `/api/v1/incidents/${incident.id}/obligations`,
      {
        key: reporter.key,
        body: {
          obligation: 'report.giro.initial',
          at: new Date().toISOString(),
          version: current.body.revision,
        },
      },
    );
    expect(recorded.status, recorded.text).to.equal(201);
    expect(recorded.body.clocks.find((c) => c.key === INITIAL)?.state).to.equal('met');
  });
});
