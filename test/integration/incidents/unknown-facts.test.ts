import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { reportBody, uniqueIndicator } from '../../factories/incident.factory.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { policyCopy, removeDir } from '../../unit/triage/triage-test.helpers.js';
import { reportAndTriage } from '../workflow/workflow-fixture.js';
import { waitFor } from '../../helpers/wait.js';

interface IncidentJson {
  id: string;
  severity: string | null;
  facts: { impact: Record<string, string>; recoverability: string };
  triage?: { round: number; severity: string; reasons: Array<{ rule: string; detail: string }> } | null;
}
type ErrorJson = { error: { code: string; details: Array<{ path: string; message: string }> | null } };

/**
 * An initial report of a tier-3 system that knows neither whether availability was hit nor how
 * recovery will go. HK-GOV reads the availability as high (system down, S1) and recovery as regular.
 */
const unknownReport = () =>
  reportBody({
    category: 'compromise',
    system: { tier: 3, criticalEService: false, operatedBy: 'in_house' },
    impact: { confidentiality: 'none', integrity: 'none', availability: 'unknown', governmentImage: 'none' },
    functionalImpact: 'none',
    informationImpact: 'none',
    recoverability: 'unknown',
    indicators: [uniqueIndicator()],
  });

const rules = (incident: IncidentJson) => (incident.triage?.reasons ?? []).map((r) => r.rule);
const detail = (incident: IncidentJson, rule: string) =>
  incident.triage?.reasons.find((r) => r.rule === rule)?.detail;

describe('Facts not known yet at intake', function () {
  this.timeout(90_000);
  let runtime: TestRuntime;
  let reporter: TestActor;
  let responder: TestActor;
  const read = (id: string) =>
    call<IncidentJson>(runtime.url, 'GET', `/api/v1/incidents/${id}`, { key: responder.key });

  before(async () => {
    runtime = await startTestRuntime('unknownfacts');
    reporter = await createActor(runtime, { role: 'reporter' });
    responder = await createActor(runtime, { role: 'responder' });
  });
  after(async () => {
    await runtime.stop();
  });

  it('when a report gives impact and recoverability as unknown, then it is stored as sent and triaged as the policy reads them', async () => {
    const triaged = await reportAndTriage(runtime.url, reporter, responder, unknownReport(), false);
    const incident = (await read(triaged.id)).body;
    expect(incident.facts.impact.availability).to.equal('unknown');
    expect(incident.facts.recoverability).to.equal('unknown');
    expect(incident.severity).to.equal('S1');
    expect(rules(incident)).to.include('hk-gov/severity/s1-critical-system-down');
    expect(detail(incident, 'hk-gov/unknown/impact.availability')).to.equal(
      'impact.availability not known yet: read as high (the worst level)',
    );
    expect(detail(incident, 'hk-gov/unknown/recoverability')).to.equal(
      'recoverability not known yet: read as regular (the level the policy gives)',
    );
  });

  it('when the bureau later fills the unknowns in, then a new triage round changes the decision', async () => {
    const triaged = await reportAndTriage(runtime.url, reporter, responder, unknownReport(), false);
    const update = await call<IncidentJson>(runtime.url, 'POST', `/api/v1/incidents/${triaged.id}/updates`, {
      key: reporter.key,
      body: {
        impact: { availability: 'low' },
        recoverability: 'regular',
        note: 'service degraded, not down',
      },
    });
    expect(update.status, update.text).to.equal(201);
    const retriaged = await waitFor(
      () => read(triaged.id),
      (answer) => answer.body.triage?.round === 1,
    );
    const incident = retriaged.body;
    expect(incident.triage?.round, retriaged.text).to.equal(1);
    expect(incident.severity).to.equal('S2');
    expect(rules(incident)).to.include('hk-gov/severity/s2-tier-2-or-3-system');
    expect(rules(incident).filter((rule) => rule.startsWith('hk-gov/unknown/'))).to.deep.equal([]);
  });

  it('when an impact level or recoverability is neither a level nor unknown, then the report and the update are 422 naming the field', async () => {
    const created = await call<ErrorJson>(runtime.url, 'POST', '/api/v1/incidents', {
      key: reporter.key,
      body: { ...unknownReport(), impact: { ...(unknownReport().impact as object), availability: 'unsure' } },
    });
    expect(created.status, created.text).to.equal(422);
    expect(created.body.error.details?.map((d) => d.path)).to.deep.equal(['body.impact.availability']);
    const triaged = await reportAndTriage(runtime.url, reporter, responder, unknownReport(), false);
    const updated = await call<ErrorJson>(runtime.url, 'POST', `/api/v1/incidents/${triaged.id}/updates`, {
      key: reporter.key,
      body: { recoverability: 'maybe' },
    });
    expect(updated.status, updated.text).to.equal(422);
    expect(updated.body.error.details?.map((d) => d.path)).to.deep.equal(['body.recoverability']);
  });
});

describe('Facts not known yet, under a policy that reads them the other way', function () {
  this.timeout(90_000);
  let runtime: TestRuntime;
  let policyDir: string;
  let reporter: TestActor;
  let responder: TestActor;

  before(async () => {
    // The shipped packs with the opposite reading: unknown impact as a given level, recovery as the worst.
    policyDir = policyCopy();
    const severity = join(policyDir, 'packs/hk-gov/severity.yaml');
    const yaml = readFileSync(severity, 'utf8')
      .replace('impact: worst', 'impact: none')
      .replace('recoverability: regular', 'recoverability: worst');
    writeFileSync(severity, yaml);
    runtime = await startTestRuntime('unknownread', { POLICY_DIR: policyDir });
    reporter = await createActor(runtime, { role: 'reporter' });
    responder = await createActor(runtime, { role: 'responder' });
  });
  after(async () => {
    await runtime.stop();
    removeDir(policyDir);
  });

  it('when the same report is triaged, then unknown impact counts as the given level and unknown recovery as the worst', async () => {
    const triaged = await reportAndTriage(runtime.url, reporter, responder, unknownReport(), false);
    const incident = (
      await call<IncidentJson>(runtime.url, 'GET', `/api/v1/incidents/${triaged.id}`, { key: responder.key })
    ).body;
    // Availability read as none: no system counts as down; not recoverable bumps the default S4 to S3.
    expect(incident.severity).to.equal('S3');
    expect(rules(incident)).to.include('hk-gov/severity/recoverability-bump');
    expect(rules(incident)).to.not.include('hk-gov/severity/s1-critical-system-down');
    expect(detail(incident, 'hk-gov/unknown/impact.availability')).to.equal(
      'impact.availability not known yet: read as none (the level the policy gives)',
    );
    expect(detail(incident, 'hk-gov/unknown/recoverability')).to.equal(
      'recoverability not known yet: read as not_recoverable (the worst level)',
    );
  });
});
