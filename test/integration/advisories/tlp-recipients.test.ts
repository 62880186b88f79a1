import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemActor } from '../../../src/auth/index.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { uniqueName } from '../../helpers/services.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';

type Body = Record<string, unknown>;
const setup = systemActor('tlp-test');
const address = (who: string, domain: string) => `${uniqueName(who).replace('_', '.')}@${domain}`;

const advisoryBody = (over: Body): Body => ({
  title: 'Targeted intrusion set against one bureau',
  pap: 'RED',
  summary: 'Indicators of an intrusion set seen in one bureau; do not act on them outside it.',
  ...over,
});

describe('advisories: named recipients come from the directory and are approved', function () {
  this.timeout(60_000);
  let smtp: TestSmtpServer;
  let runtime: TestRuntime;
  let responder: TestActor;
  let lead: TestActor;
  let leadEmail: string;
  let announce: string;
  let bureauContact: string;
  const bureauName = 'Department of Tests';

  before(async () => {
    smtp = await startSmtpServer();
    runtime = await startTestRuntime('tlprcpt', { SMTP_URL: smtp.url });
    [responder, lead] = await Promise.all([
      createActor(runtime, { role: 'responder' }),
      createActor(runtime, { role: 'lead' }),
    ]);
    leadEmail = (await runtime.modules.auth.users.require(lead.userId)).email;
    announce = address('announce', 'lists.example');
    await runtime.modules.notifications.lists.upsert(setup, uniqueName('public').replace('_', '-'), {
      name: 'Public announcements',
      organisation: 'Public',
      circle: 'public',
      members: [{ name: 'Announce list', address: announce }],
    });
    bureauContact = address('itso', 'dt.gov.hk.example');
    await runtime.modules.auth.bureaux.create(setup, {
      code: `D${uniqueName('B').slice(2, 10).toUpperCase()}`,
      name: bureauName,
      regimes: ['HK-GOV'],
      contacts: [{ name: 'ITSO', email: bureauContact, role: 'ITSO' }],
    });
  });
  after(async () => {
    await runtime.stop();
    await smtp.stop();
  });

  const api = <T = Body>(who: TestActor, method: string, path: string, body?: unknown) =>
    call<T>(runtime.url, method, path, { key: who.key, body });

  async function approved(over: Body): Promise<string> {
    const drafted = await api(responder, 'post', '/api/v1/advisories', advisoryBody(over));
    expect(drafted.status, drafted.text).to.equal(201);
    const id = drafted.body.id as string;
    const ok = await api(lead, 'post', `/api/v1/advisories/${id}/approve`, { revision: 1 });
    expect(ok.status, ok.text).to.equal(200);
    return id;
  }

  const sends = async (id: string) =>
    (await api<{ sends: unknown[] }>(responder, 'get', `/api/v1/advisories/${id}`)).body.sends.length;

  it('when a TLP:RED send names a public list address declared internal, then it is refused and nothing is queued', async () => {
    const id = await approved({ tlp: 'RED' });
    const refused = await api(responder, 'post', `/api/v1/advisories/${id}/send`, {
      recipients: [{ name: 'Staff', address: announce, organisation: 'GovCERT.HK', circle: 'internal' }],
    });
    expect(refused.status, refused.text).to.be.oneOf([409, 422]);
    expect(refused.text).to.contain(announce);
    expect(await sends(id)).to.equal(0);
    await sleep(300);
    expect(smtp.to(announce)).to.have.length(0);
  });

  it('when an approved TLP:RED recipient is on a public list, then the directory classification wins and it is refused', async () => {
    const id = await approved({ tlp: 'RED', namedRecipients: [{ name: 'Staff', address: announce }] });
    const declared = await api(responder, 'post', `/api/v1/advisories/${id}/send`, {
      recipients: [{ name: 'Staff', address: announce, organisation: 'GovCERT.HK', circle: 'internal' }],
    });
    expect(declared.status, declared.text).to.equal(422);
    expect((declared.body.error as Body).code).to.equal('recipient_classification_conflict');
    const plain = await api(responder, 'post', `/api/v1/advisories/${id}/send`, {});
    expect(plain.status, plain.text).to.equal(422);
    expect((plain.body.error as Body).code).to.equal('tlp_distribution_refused');
    expect(await sends(id)).to.equal(0);
  });

  it('when a TLP:AMBER+STRICT advisory names an address the directory does not know, then 422 names it', async () => {
    const stranger = address('stranger', 'mail.example');
    const id = await approved({
      tlp: 'AMBER+STRICT',
      targetOrganisation: bureauName,
      namedRecipients: [
        { name: 'ITSO', address: bureauContact },
        { name: 'Stranger', address: stranger },
      ],
    });
    const refused = await api(responder, 'post', `/api/v1/advisories/${id}/send`, {});
    expect(refused.status, refused.text).to.equal(422);
    expect((refused.body.error as Body).code).to.equal('recipient_unknown');
    expect(JSON.stringify((refused.body.error as Body).details)).to.contain(stranger);
    expect(await sends(id)).to.equal(0);
  });

  it('when named recipients change after approval, then the send needs the new revision approved', async () => {
    const id = await approved({ tlp: 'RED', namedRecipients: [{ name: 'Lead', address: leadEmail }] });
    const first = await api(responder, 'post', `/api/v1/advisories/${id}/send`, {});
    expect(first.status, first.text).to.equal(202);
    expect(first.body.recipients).to.deep.equal([leadEmail]);
    const revised = await api(responder, 'post', `/api/v1/advisories/${id}/revisions`, {
      baseRevision: 1,
      note: 'Tell the bureau ITSO too',
      changes: {
        namedRecipients: [
          { name: 'Lead', address: leadEmail },
          { name: 'ITSO', address: bureauContact },
        ],
      },
    });
    expect(revised.status, revised.text).to.equal(201);
    const early = await api(responder, 'post', `/api/v1/advisories/${id}/send`, {
      recipients: [{ address: bureauContact }],
    });
    expect(early.status, early.text).to.equal(409);
    expect((early.body.error as Body).code).to.equal('recipients_not_approved');
    expect((await api(lead, 'post', `/api/v1/advisories/${id}/approve`, { revision: 2 })).status).to.equal(
      200,
    );
    const later = await api(responder, 'post', `/api/v1/advisories/${id}/send`, {
      recipients: [{ address: bureauContact }],
    });
    expect(later.status, later.text).to.equal(202);
    expect(later.body.revision).to.equal(2);
    await smtp.waitFor(() => smtp.to(bureauContact).length > 0, 20_000, 'the TLP:RED mail to the ITSO');
  });
});
