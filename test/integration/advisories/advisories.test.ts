import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemActor } from '../../../src/auth/index.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { uniqueName } from '../../helpers/services.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';

type Body = Record<string, unknown>;
interface Delivery {
  recipient: string;
  status: string;
  reason: string | null;
}

const advisoryBody = (over: Body = {}): Body => ({
  title: 'Critical vulnerability in ExampleVPN gateways',
  tlp: 'GREEN',
  pap: 'GREEN',
  summary: 'A pre-authentication flaw in ExampleVPN lets attackers run code on the gateway.',
  affectedSystems: ['ExampleVPN 9.1 before 9.1.4'],
  recommendations: ['Upgrade to 9.1.4.', 'Review gateway logs for the listed indicators.'],
  references: [{ title: 'Vendor bulletin', url: 'https://vendor.example/psirt/2026-01' }],
  indicators: [{ type: 'ipv4', value: '198.51.100.23', description: 'scanner' }],
  ...over,
});

describe('advisories API', function () {
  this.timeout(60_000);
  let smtp: TestSmtpServer;
  let runtime: TestRuntime;
  let responder: TestActor;
  let lead: TestActor;
  let reporter: TestActor;
  let list: string;
  let member: string;

  before(async () => {
    smtp = await startSmtpServer();
    runtime = await startTestRuntime('advis', { SMTP_URL: smtp.url });
    [responder, lead, reporter] = await Promise.all([
      createActor(runtime, { role: 'responder' }),
      createActor(runtime, { role: 'lead' }),
      createActor(runtime, { role: 'reporter' }),
    ]);
    list = uniqueName('partners').replace('_', '-');
    member = `${uniqueName('duty').replace('_', '.')}@hkcert.example`;
    await runtime.modules.notifications.lists.upsert(systemActor('test'), list, {
      name: 'HKCERT duty',
      organisation: 'HKCERT',
      circle: 'partner',
      members: [{ name: 'HKCERT Duty Desk', address: member }],
    });
  });
  after(async () => {
    await runtime.stop();
    await smtp.stop();
  });

  const api = <T = Body>(who: TestActor, method: string, path: string, body?: unknown) =>
    call<T>(runtime.url, method, path, { key: who.key, body });

  async function approved(over: Body = {}): Promise<string> {
    const drafted = await api(responder, 'post', '/api/v1/advisories', advisoryBody(over));
    expect(drafted.status, drafted.text).to.equal(201);
    const id = drafted.body.id as string;
    const ok = await api(lead, 'post', `/api/v1/advisories/${id}/approve`, { revision: 1 });
    expect(ok.status, ok.text).to.equal(200);
    return id;
  }

  async function deliveries(id: string, done: (d: Delivery[]) => boolean): Promise<Delivery[]> {
    for (let i = 0; i < 200; i++) {
      const got = await api<{ deliveries: Delivery[] }>(responder, 'get', `/api/v1/advisories/${id}`);
      if (done(got.body.deliveries)) return got.body.deliveries;
      await sleep(100);
    }
    throw new Error('deliveries never settled');
  }

  it('when drafted, revised, approved by a lead and sent, then every recipient gets it and its status shows', async () => {
    const drafted = await api(responder, 'post', '/api/v1/advisories', advisoryBody());
    const id = drafted.body.id as string;
    expect(drafted.body.ref).to.match(/^GOVCERT-HK-\d{4}-\d{4}$/);
    const revised = await api(responder, 'post', `/api/v1/advisories/${id}/revisions`, {
      baseRevision: 1,
      note: 'Fixed version confirmed',
      changes: { recommendations: ['Upgrade to 9.1.5.'] },
    });
    expect(revised.status, revised.text).to.equal(201);
    expect(revised.body.latestRevision).to.equal(2);
    const stale = await api(responder, 'post', `/api/v1/advisories/${id}/revisions`, {
      baseRevision: 1,
      note: 'Lost update',
      changes: { title: 'Other' },
    });
    expect(stale.status).to.equal(409);
    expect((await api(lead, 'post', `/api/v1/advisories/${id}/approve`, { revision: 2 })).status).to.equal(
      200,
    );
    const named = `${uniqueName('ciso').replace('_', '.')}@dh.gov.hk.example`;
    const sent = await api(responder, 'post', `/api/v1/advisories/${id}/send`, {
      lists: [list],
      recipients: [{ name: 'DH CISO', address: named, organisation: 'DH', circle: 'constituent' }],
    });
    expect(sent.status, sent.text).to.equal(202);
    expect(sent.body.revision).to.equal(2);
    const rows = await deliveries(id, (d) => d.length === 2 && d.every((x) => x.status === 'sent'));
    expect(rows.map((d) => d.recipient).sort()).to.deep.equal([member, named].sort());
    const [mail] = smtp.to(member);
    expect(mail.parsed.subject).to.match(/^\[TLP:GREEN\] GOVCERT-HK-\d{4}-\d{4}: Critical vulnerability/);
    expect(mail.parsed.text)
      .to.match(/^TLP:GREEN/)
      .and.to.contain('PAP:GREEN')
      .and.to.contain('Upgrade to 9.1.5.');
    expect(mail.parsed.html).to.contain('TLP:GREEN').and.to.contain('Upgrade to 9.1.5.');
    expect(mail.parsed.text).to.contain('revision 2');
  });

  it('when an advisory with indicators is sent, then its mail lists them, defanged, in the HTML and text parts', async () => {
    const id = await approved({
      indicators: [
        { type: 'ipv4', value: '198.51.100.23', description: 'scanner' },
        { type: 'url', value: 'https://update.evil.example/gw.php', description: 'payload' },
        { type: 'sha256', value: 'a'.repeat(64) },
      ],
    });
    const named = `${uniqueName('ioc').replace('_', '.')}@dh.gov.hk.example`;
    const sent = await api(responder, 'post', `/api/v1/advisories/${id}/send`, {
      recipients: [{ name: 'DH ITSO', address: named, organisation: 'DH', circle: 'constituent' }],
    });
    expect(sent.status, sent.text).to.equal(202);
    await smtp.waitFor(() => smtp.to(named).length > 0, 30_000, 'the advisory');
    const [mail] = smtp.to(named);
    for (const part of [mail.parsed.text ?? '', String(mail.parsed.html)]) {
      expect(part).to.contain('198[.]51[.]100[.]23').and.to.contain('scanner');
      expect(part).to.contain('hxxps://update[.]evil[.]example/gw[.]php').and.to.contain('payload');
      expect(part).to.contain('a'.repeat(64));
    }
  });

  it('when a responder approves, then it is refused with 403', async () => {
    const drafted = await api(responder, 'post', '/api/v1/advisories', advisoryBody());
    const refused = await api(responder, 'post', `/api/v1/advisories/${drafted.body.id as string}/approve`, {
      revision: 1,
    });
    expect(refused.status).to.equal(403);
  });

  it('when an unapproved advisory is sent, then it is refused and nothing is sent', async () => {
    const drafted = await api(responder, 'post', '/api/v1/advisories', advisoryBody());
    const id = drafted.body.id as string;
    const refused = await api(responder, 'post', `/api/v1/advisories/${id}/send`, { lists: [list] });
    expect(refused.status).to.equal(409);
    expect((refused.body.error as Body).code).to.equal('advisory_not_approved');
    expect((await deliveries(id, () => true)).length).to.equal(0);
  });

  it('when a reporter sends an advisory, then it is refused with 403 and nothing is sent', async () => {
    const id = await approved();
    const refused = await api(reporter, 'post', `/api/v1/advisories/${id}/send`, { lists: [list] });
    expect(refused.status).to.equal(403);
    expect((await deliveries(id, () => true)).length).to.equal(0);
  });

  it('when a TLP:RED advisory goes to a list, then it is refused with the reasons and nothing is queued', async () => {
    const id = await approved({ tlp: 'RED', pap: 'RED' });
    const before = smtp.received.length;
    const refused = await api(responder, 'post', `/api/v1/advisories/${id}/send`, { lists: [list] });
    expect(refused.status).to.equal(422);
    const error = refused.body.error as { code: string; details: Array<{ path: string; message: string }> };
    expect(error.code).to.equal('tlp_distribution_refused');
    expect(error.details[0]).to.deep.include({ path: member });
    expect(error.details[0].message).to.contain('never to a list');
    await sleep(300);
    expect((await deliveries(id, () => true)).length).to.equal(0);
    expect(smtp.received.length).to.equal(before);
  });

  it('when a TLP:AMBER+STRICT advisory goes to another organisation, then it is refused', async () => {
    const id = await approved({ tlp: 'AMBER+STRICT', targetOrganisation: 'DH' });
    const refused = await api(responder, 'post', `/api/v1/advisories/${id}/send`, { lists: [list] });
    expect(refused.status).to.equal(422);
    expect(JSON.stringify(refused.body)).to.contain('HKCERT is outside it');
  });

  it('when the server refuses a recipient with 550, then the advisory shows it failed with the reason', async () => {
    const id = await approved();
    const named = `${uniqueName('gone').replace('_', '.')}@dh.gov.hk.example`;
    smtp.failRcpt(named, { code: 550, message: 'Mailbox unavailable' });
    const sent = await api(responder, 'post', `/api/v1/advisories/${id}/send`, {
      recipients: [{ name: 'Gone', address: named, organisation: 'DH', circle: 'constituent' }],
    });
    expect(sent.status).to.equal(202);
    const [row] = await deliveries(id, (d) => d[0]?.status === 'failed');
    expect(row.reason).to.contain('550').and.to.contain('Mailbox unavailable');
  });

  it('when exported, then CSAF 2.0 and STIX 2.1 come out, and AMBER+STRICT is refused for CSAF', async () => {
    const id = await approved();
    const csaf = await api<{ document: Body }>(responder, 'get', `/api/v1/advisories/${id}/csaf`);
    expect(csaf.status, csaf.text).to.equal(200);
    expect(csaf.body.document).to.deep.include({
      csaf_version: '2.0',
      category: 'csaf_informational_advisory',
    });
    expect(csaf.body.document.distribution).to.deep.equal({
      text: 'TLP:GREEN, PAP:GREEN',
      tlp: { label: 'GREEN' },
    });
    expect((csaf.body.document.tracking as Body).status).to.equal('final');
    const stix = await api<{ type: string; objects: Body[] }>(
      responder,
      'get',
      `/api/v1/advisories/${id}/stix`,
    );
    expect(stix.status).to.equal(200);
    expect(stix.body.type).to.equal('bundle');
    expect(stix.body.objects.find((o) => o.type === 'indicator')).to.deep.include({
      pattern: "[ipv4-addr:value = '198.51.100.23']",
      spec_version: '2.1',
    });
    const strict = await approved({ tlp: 'AMBER+STRICT', targetOrganisation: 'DH' });
    const refused = await api(responder, 'get', `/api/v1/advisories/${strict}/csaf`);
    expect(refused.status).to.equal(422);
    expect(refused.text).to.contain('AMBER+STRICT');
  });
});
