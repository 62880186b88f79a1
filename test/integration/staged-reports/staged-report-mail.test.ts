import { expect } from 'chai';
import { systemActor } from '../../../src/auth/index.js';
import { mongoose } from '../../../src/platform/db/index.js';
import { createStagedReportsModule } from '../../../src/staged-reports/index.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { uniqueName } from '../../helpers/services.js';
import { startSmtpServer, type ReceivedMessage, type TestSmtpServer } from '../../helpers/smtp.js';
import { reportAndTriage, type WorkflowJson } from '../workflow/workflow-fixture.js';

const setup = systemActor('staged-report-mail-test');
const PRELIMINARY = 'report.giro.preliminary';
const CONTENT = {
  whatHappened: 'Ransomware encrypted the licensing file server.',
  impact: 'Licence renewals paused for a morning.',
  actionsTaken: 'Server isolated; restored from the nightly backup.',
};
const COMMENT = 'Name the backup that was restored and when it was taken.';

interface ReportJson {
  id: string;
  version: number;
  state: string;
}

describe('Staged reports: each side is mailed (real SMTP)', function () {
  this.timeout(120_000);
  let smtp: TestSmtpServer;
  let runtime: TestRuntime;
  let reporter: TestActor;
  let responder: TestActor;
  let itso: string;
  let duty: string;

  const path = (id: string, tail = '') => `/api/v1/incidents/${id}/staged-reports${tail}`;
  const submit = (id: string) =>
    call<ReportJson>(runtime.url, 'POST', path(id), {
      key: reporter.key,
      body: { obligation: PRELIMINARY, ...CONTENT },
    });
  const review = (id: string, reportId: string, body: Record<string, unknown>) =>
    call<ReportJson>(runtime.url, 'POST', path(id, `/${reportId}/review`), { key: responder.key, body });
  const about = (mails: ReceivedMessage[], ref: string, subject: RegExp) =>
    mails.filter((m) => (m.parsed.subject ?? '').includes(ref) && subject.test(m.parsed.subject ?? ''));
  const owes = async (reportId: string): Promise<unknown> => {
    const doc = await runtime.platform.db
      .db!.collection('staged_reports')
      .findOne({ _id: new mongoose.Types.ObjectId(reportId) });
    return doc?.mailPending;
  };

  before(async () => {
    smtp = await startSmtpServer();
    runtime = await startTestRuntime('stagedmail', { SMTP_URL: smtp.url });
    const code = `S${uniqueName('B').slice(2, 10).toUpperCase()}`;
    itso = `${uniqueName('itso').replace('_', '.')}@bureau.gov.hk.example`;
    duty = `${uniqueName('duty').replace('_', '.')}@govcert.gov.hk.example`;
    await runtime.modules.auth.bureaux.create(setup, {
      code,
      name: 'Staged Report Mail Bureau',
      regimes: ['HK-GOV'],
      contacts: [{ name: 'IT Security Officer', email: itso, role: 'ITSO' }],
    });
    await runtime.modules.notifications.lists.upsert(setup, 'cert-duty', {
      name: 'GovCERT.HK duty officers',
      organisation: 'GovCERT.HK',
      circle: 'internal',
      members: [{ name: 'Duty Officer', address: duty }],
    });
    reporter = await createActor(runtime, { role: 'reporter', bureauId: code });
    responder = await createActor(runtime, { role: 'responder' });
  });
  after(async () => {
    await runtime.stop();
    await smtp.stop();
  });

  it('when the bureau sends a report and GovCERT asks for a revision, then accepts version 2, then the CERT and then the bureau are mailed each time, without the text or the comment', async () => {
    const incident: WorkflowJson = await reportAndTriage(runtime.url, reporter, responder);

    const sent = await submit(incident.id);
    expect(sent.status, sent.text).to.equal(201);
    await smtp.waitFor(
      () => about(smtp.to(duty), incident.ref, /^\[TLP:AMBER\] Report sent on /).length > 0,
      30_000,
      'the mail to the duty list',
    );
    const [toCert] = about(smtp.to(duty), incident.ref, /Report sent on /);
    expect(toCert.parsed.subject).to.include('Preliminary written report to GIRO-SO');
    expect(toCert.parsed.text)
      .to.include(`/console/incidents/${incident.id}`)
      .and.to.include('version 1')
      .and.to.include('Staged Report Mail Bureau')
      .and.to.include('等待你審閱');
    // Its Chinese half names the report as the policy does in Chinese.
    expect(toCert.parsed.text).to.include('提交了致 GIRO-SO 的初步書面報告（第 1 版）');
    expect(toCert.parsed.text).not.to.include(CONTENT.whatHappened);
    expect(String(toCert.parsed.html)).not.to.include(CONTENT.whatHappened);
    expect(smtp.to(itso).filter((m) => /Report sent on /.test(m.parsed.subject ?? ''))).to.have.length(0);
    expect(await owes(sent.body.id)).to.deep.equal([]);

    const started = await review(incident.id, sent.body.id, { decision: 'under_review' });
    expect(started.status, started.text).to.equal(200);
    const revise = await review(incident.id, sent.body.id, {
      decision: 'revision_requested',
      comment: COMMENT,
    });
    expect(revise.status, revise.text).to.equal(200);
    await smtp.waitFor(
      () => about(smtp.to(itso), incident.ref, /Revision requested on /).length > 0,
      30_000,
      'the revision mail to the bureau',
    );
    const [revision] = about(smtp.to(itso), incident.ref, /Revision requested on /);
    expect(revision.parsed.text)
      .to.include(`/console/my-incidents/${incident.id}/reports/${PRELIMINARY}?occurrence=0`)
      .and.to.include('要求貴局修訂');
    expect(revision.parsed.text).not.to.include(COMMENT);
    expect(String(revision.parsed.html)).not.to.include(COMMENT);
    expect(revision.parsed.text).not.to.include(responder.actor.name);

    const second = await submit(incident.id);
    expect(second.status, second.text).to.equal(201);
    expect(second.body.version).to.equal(2);
    const accepted = await review(incident.id, second.body.id, { decision: 'accepted' });
    expect(accepted.status, accepted.text).to.equal(200);
    await smtp.waitFor(
      () => about(smtp.to(itso), incident.ref, /Report accepted on /).length > 0,
      30_000,
      'the acceptance mail to the bureau',
    );
    await smtp.waitFor(
      () => about(smtp.to(duty), incident.ref, /Report sent on /).length > 1,
      30_000,
      'the mail of version 2',
    );
    expect(about(smtp.to(itso), incident.ref, /Report accepted on /)[0].parsed.text).to.include('version 2');
    // Starting a review tells nobody: one mail to the bureau per decision.
    expect(about(smtp.to(itso), incident.ref, /Revision requested on /)).to.have.length(1);
    expect(await owes(second.body.id)).to.deep.equal([]);
  });

  it('when the writer died before requesting the mail, then the sweep requests it once and the report no longer owes it', async () => {
    const incident: WorkflowJson = await reportAndTriage(runtime.url, reporter, responder);
    // The same store without a mailer: a process that stored the report and died before asking.
    const dying = createStagedReportsModule(
      { db: runtime.platform.db, logger: runtime.platform.logger },
      { workflow: runtime.modules.workflow, registerOutbox: () => undefined, kickAudit: () => undefined },
    );
    const stored = await dying.services.reports.submit(reporter.actor, incident.id, {
      obligation: PRELIMINARY,
      ...CONTENT,
    });
    expect(await owes(stored.id)).to.deep.equal(['submitted']);
    const before = about(smtp.to(duty), incident.ref, /Report sent on /).length;
    expect(before).to.equal(0);

    const sweep = runtime.modules.stagedReports.reports;
    await sweep.requestOwedMail(0);
    await sweep.requestOwedMail(0);
    await smtp.waitFor(
      () => about(smtp.to(duty), incident.ref, /Report sent on /).length > 0,
      30_000,
      'the owed mail',
    );
    expect(await owes(stored.id)).to.deep.equal([]);
    expect(about(smtp.to(duty), incident.ref, /Report sent on /)).to.have.length(1);
  });
});
