import { expect } from 'chai';
import { systemActor } from '../../../src/auth/index.js';
import { mongoose } from '../../../src/platform/db/index.js';
import { MESSAGE_BODY_MAX } from '../../../src/correspondence/index.js';
import { auditEventsAbout } from '../../e2e/console-fixture.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { uniqueName } from '../../helpers/services.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { change, reportAndTriage, type WorkflowJson } from '../workflow/workflow-fixture.js';

const setup = systemActor('correspondence-test');

interface MessageJson {
  id: string;
  side: 'bureau' | 'cert';
  author: { name: string; role: string } | null;
  body: string;
  createdAt: string;
}

describe('correspondence: the message thread between a bureau and the CERT', function () {
  this.timeout(120_000);
  let smtp: TestSmtpServer;
  let runtime: TestRuntime;
  let reporter: TestActor;
  let stranger: TestActor;
  let responder: TestActor;
  let auditor: TestActor;
  let incident: WorkflowJson;
  let itso: string;
  let duty: string;

  before(async () => {
    smtp = await startSmtpServer();
    runtime = await startTestRuntime('messages', { SMTP_URL: smtp.url });
    const code = `M${uniqueName('B').slice(2, 10).toUpperCase()}`;
    itso = `${uniqueName('itso').replace('_', '.')}@bureau.gov.hk.example`;
    duty = `${uniqueName('duty').replace('_', '.')}@govcert.gov.hk.example`;
    await runtime.modules.auth.bureaux.create(setup, {
      code,
      name: 'Correspondence Test Bureau',
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
    stranger = await createActor(runtime, { role: 'reporter' });
    responder = await createActor(runtime, { role: 'responder' });
    auditor = await createActor(runtime, { role: 'auditor' });
    incident = await reportAndTriage(runtime.url, reporter, responder, {
      title: 'Phishing against the payroll team',
    });
  });
  after(async () => {
    await runtime.stop();
    await smtp.stop();
  });

  const thread = (who: TestActor, id = incident.id) =>
    call<{ items: MessageJson[] }>(runtime.url, 'GET', `/api/v1/incidents/${id}/messages`, { key: who.key });
  const post = (who: TestActor, body: unknown, id = incident.id) =>
    call<MessageJson>(runtime.url, 'POST', `/api/v1/incidents/${id}/messages`, { key: who.key, body });

  it('when a reporter of another bureau reads or writes the thread, then it is a 404 and nothing is stored', async () => {
    expect((await thread(stranger)).status).to.equal(404);
    const refused = await post(stranger, { body: 'Is this ours?' });
    expect(refused.status, refused.text).to.equal(404);
    const own = await thread(reporter);
    expect(own.status, own.text).to.equal(200);
    expect(own.body.items.map((m) => m.body)).not.to.include('Is this ours?');
  });

  it('when the bureau writes while nobody is assigned, then the message is stored with its audit event and the duty list is mailed a link without the text', async () => {
    const sent = await post(reporter, { body: '  The payroll clerk clicked the link.\r\nWhat next?  ' });
    expect(sent.status, sent.text).to.equal(201);
    expect(sent.body.side).to.equal('bureau');
    expect(sent.body.body).to.equal('The payroll clerk clicked the link.\nWhat next?');

    const seen = await thread(responder);
    expect(seen.body.items.at(-1)).to.include({ id: sent.body.id, side: 'bureau' });
    expect(seen.body.items.at(-1)?.author?.role).to.equal('reporter');

    const [event] = await auditEventsAbout(runtime, auditor.key, 'incident.message_posted', incident.id);
    expect(event, 'incident.message_posted in the trail').to.not.equal(undefined);
    expect(event.actor.userId).to.equal(reporter.userId);
    expect(event.data).to.include({ messageId: sent.body.id, side: 'bureau' });
    expect(event.data.sha256).to.match(/^[0-9a-f]{64}$/);

    await smtp.waitFor(() => smtp.to(duty).length > 0, 30_000, 'the mail to the duty list');
    const [mail] = smtp.to(duty);
    expect(mail.parsed.subject).to.match(/^\[TLP:AMBER\] New message on /);
    expect(mail.parsed.subject).to.include(incident.ref);
    expect(mail.parsed.text)
      .to.include(`/console/incidents/${incident.id}/messages`)
      .and.to.include('Correspondence Test Bureau')
      .and.to.include('向 GovCERT.HK 發出訊息');
    expect(mail.parsed.text).not.to.include('payroll clerk clicked');
    expect(String(mail.parsed.html)).not.to.include('payroll clerk clicked');
  });

  it("when a responder replies, then the bureau's contacts are mailed, and the bureau sees GovCERT, not the responder's name", async () => {
    const reply = await post(responder, { body: 'Reset the clerk’s password and send us the mail headers.' });
    expect(reply.status, reply.text).to.equal(201);
    expect(reply.body.side).to.equal('cert');

    const bureauView = await thread(reporter);
    const last = bureauView.body.items.at(-1);
    expect(last).to.include({ id: reply.body.id, side: 'cert', author: null });
    expect(JSON.stringify(bureauView.body)).not.to.include(responder.actor.name);
    const certView = await thread(auditor);
    expect(certView.body.items.at(-1)?.author?.name).to.equal(responder.actor.name);

    await smtp.waitFor(
      () => smtp.to(itso).some((m) => /New message on/.test(m.parsed.subject ?? '')),
      30_000,
      'the mail to the bureau',
    );
    const mail = smtp.to(itso).find((m) => /New message on/.test(m.parsed.subject ?? ''));
    expect(mail?.parsed.text).to.include('GovCERT.HK wrote to your bureau');
    expect(mail?.parsed.text).not.to.include(responder.actor.name);
    expect(mail?.parsed.text).not.to.include('mail headers');
  });

  it('when the incident is claimed and the bureau writes again, then the assignee is mailed instead of the duty list', async () => {
    const claimed = await change(
      runtime.url,
      responder,
      `/api/v1/incidents/${incident.id}/claim`,
      incident.revision,
    );
    expect(claimed.status, claimed.text).to.be.oneOf([200, 412]);
    if (claimed.status === 412) {
      const fresh = await call<WorkflowJson>(
        runtime.url,
        'GET',
        `/api/v1/incidents/${incident.id}/workflow`,
        {
          key: responder.key,
        },
      );
      const again = await change(
        runtime.url,
        responder,
        `/api/v1/incidents/${incident.id}/claim`,
        fresh.body.revision,
      );
      expect(again.status, again.text).to.equal(200);
    }
    const dutyBefore = smtp.to(duty).length;
    const assignee = `${responder.actor.name}@test.govcert.example`;
    const sent = await post(reporter, { body: 'Headers attached to the ticket.' });
    expect(sent.status, sent.text).to.equal(201);
    await smtp.waitFor(() => smtp.to(assignee).length > 0, 30_000, 'the mail to the assignee');
    expect(smtp.to(assignee)[0].parsed.subject).to.include(incident.ref);
    expect(smtp.to(duty).length).to.equal(dutyBefore);
  });

  it('when the writer died before requesting the mail, then the sweep requests it once, and the message no longer owes it', async () => {
    const messages = runtime.platform.db.db!.collection('incident_messages');
    const _id = new mongoose.Types.ObjectId();
    const assignee = `${responder.actor.name}@test.govcert.example`;
    const before = smtp.to(assignee).length;
    await messages.insertOne({
      _id,
      incidentId: incident.id,
      bureauId: reporter.actor.bureauId,
      author: { userId: reporter.userId, name: reporter.actor.name, role: 'reporter', side: 'bureau' },
      body: 'Written just before the process died.',
      createdAt: new Date(Date.now() - 120_000),
      pendingAudit: [],
      mailPending: true,
    });
    await runtime.modules.correspondence.messages.requestOwedMail(60_000);
    await runtime.modules.correspondence.messages.requestOwedMail(60_000);
    await smtp.waitFor(() => smtp.to(assignee).length > before, 30_000, 'the owed mail');
    expect((await messages.findOne({ _id }))?.mailPending).to.equal(false);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(smtp.to(assignee).length).to.equal(before + 1);
  });

  it('when an auditor writes, or the body is empty or too long, then 403 and 422 and nothing is stored', async () => {
    const before = (await thread(auditor)).body.items.length;
    expect((await post(auditor, { body: 'Audit note' })).status).to.equal(403);
    const empty = await post(reporter, { body: '   ' });
    expect(empty.status).to.equal(422);
    const long = await post(reporter, { body: 'x'.repeat(MESSAGE_BODY_MAX + 1) });
    expect(long.status).to.equal(422);
    expect((await thread(auditor)).body.items.length).to.equal(before);
  });
});
