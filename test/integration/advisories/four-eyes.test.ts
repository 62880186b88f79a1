import { expect } from 'chai';
import { systemActor } from '../../../src/auth/index.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { uniqueName } from '../../helpers/services.js';

type Body = Record<string, unknown>;

const advisoryBody = (over: Body = {}): Body => ({
  title: 'Critical vulnerability in ExampleVPN gateways',
  tlp: 'GREEN',
  pap: 'GREEN',
  summary: 'A pre-authentication flaw in ExampleVPN lets attackers run code on the gateway.',
  recommendations: ['Upgrade to 9.1.4.'],
  indicators: [{ type: 'ipv4', value: '198.51.100.23', description: 'scanner' }],
  ...over,
});

describe('advisories: four eyes, the send check and the mail preview', function () {
  this.timeout(60_000);
  let runtime: TestRuntime;
  let author: TestActor;
  let reviewer: TestActor;
  let auditor: TestActor;
  let list: string;

  before(async () => {
    runtime = await startTestRuntime('adv4eyes');
    [author, reviewer, auditor] = await Promise.all([
      createActor(runtime, { role: 'lead' }),
      createActor(runtime, { role: 'lead' }),
      createActor(runtime, { role: 'auditor' }),
    ]);
    list = uniqueName('partners').replace(/_/g, '-');
    await runtime.modules.notifications.lists.upsert(systemActor('test'), list, {
      name: 'HKCERT duty',
      organisation: 'HKCERT',
      circle: 'partner',
      members: [
        { name: 'HKCERT Duty Desk', address: `${uniqueName('duty').replace(/_/g, '.')}@hkcert.example` },
      ],
    });
  });
  after(async () => {
    await runtime.stop();
  });

  const api = (who: TestActor, method: string, path: string, body?: unknown) =>
    call<Body>(runtime.url, method, path, { key: who.key, body });

  /** The audit events of `action` about advisory `id`, once the relay chained them (up to 15 s). */
  async function auditEvents(
    action: string,
    id: string,
  ): Promise<Array<{ actor: { userId: string }; data: Body; subject: { id: string } }>> {
    for (const deadline = Date.now() + 15_000; ;) {
      const answer = await call<{
        events: Array<{ actor: { userId: string }; data: Body; subject: { id: string } }>;
      }>(runtime.url, 'GET', `/api/v1/audit/events?action=${action}&limit=500`, { key: auditor.key });
      const found = answer.body.events.filter((event) => event.subject.id === id);
      if (found.length > 0 || Date.now() > deadline) return found;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function drafted(over: Body = {}): Promise<string> {
    const answer = await api(author, 'post', '/api/v1/advisories', advisoryBody(over));
    expect(answer.status, answer.text).to.equal(201);
    return answer.body.id as string;
  }

  it('when a lead approves the revision they wrote, then it is refused (403 four_eyes_required), audited, and another lead may approve it', async () => {
    const id = await drafted();
    const own = await api(author, 'post', `/api/v1/advisories/${id}/approve`, { revision: 1 });
    expect(own.status, own.text).to.equal(403);
    expect((own.body.error as Body).code).to.equal('four_eyes_required');
    const advisory = await runtime.modules.advisories.advisories.require(id);
    expect(advisory.revisions[0].approvedAt).to.equal(null);
    const refusals = await auditEvents('advisory.approve_refused', id);
    expect(refusals).to.have.length(1);
    expect(refusals[0].actor.userId).to.equal(author.userId);
    expect(refusals[0].data).to.deep.include({ revision: 1, reason: 'four_eyes_required' });

    const other = await api(reviewer, 'post', `/api/v1/advisories/${id}/approve`, { revision: 1 });
    expect(other.status, other.text).to.equal(200);
    expect(other.body.approvedRevisions).to.deep.equal([1]);
    // Once approved, the author is still refused (the answer does not depend on the state).
    expect((await api(author, 'post', `/api/v1/advisories/${id}/approve`, { revision: 1 })).status).to.equal(
      403,
    );
  });

  it('when the author of a later revision is another lead, then the draft’s first author may approve that revision', async () => {
    const id = await drafted();
    const revised = await api(reviewer, 'post', `/api/v1/advisories/${id}/revisions`, {
      baseRevision: 1,
      note: 'Wording',
      changes: { title: 'Critical vulnerability in ExampleVPN 9.1 gateways' },
    });
    expect(revised.status, revised.text).to.equal(201);
    expect(
      (await api(reviewer, 'post', `/api/v1/advisories/${id}/approve`, { revision: 2 })).status,
    ).to.equal(403);
    expect((await api(author, 'post', `/api/v1/advisories/${id}/approve`, { revision: 2 })).status).to.equal(
      200,
    );
  });

  it('when a TLP:RED revision is checked against a list, then the check names the refusal and its rule, and nothing is sent', async () => {
    const id = await drafted({ tlp: 'RED', pap: 'RED' });
    await api(reviewer, 'post', `/api/v1/advisories/${id}/approve`, { revision: 1 });
    const check = await runtime.modules.advisories.sending.check(id, { lists: [list] });
    expect(check.allowed).to.equal(false);
    expect(check.tlp).to.equal('TLP:RED');
    expect(check.recipients).to.have.length(1);
    expect(check.recipients[0].refusal?.code).to.equal('red_list');
    expect(check.recipients[0].refusal?.reason).to.match(/never to a list/);
    expect((await runtime.modules.advisories.advisories.require(id)).sends).to.have.length(0);

    const green = await drafted();
    await api(reviewer, 'post', `/api/v1/advisories/${green}/approve`, { revision: 1 });
    const allowed = await runtime.modules.advisories.sending.check(green, { lists: [list] });
    expect(allowed.allowed).to.equal(true);
    expect(allowed.recipients.every((r) => r.refusal === null)).to.equal(true);
  });

  it('when a revision is previewed, then its mail is rendered by the advisory template with the TLP label first', async () => {
    const id = await drafted();
    const { revision, mail } = await runtime.modules.advisories.previews.preview(id, undefined, {
      consoleBase: 'https://govcert.example',
      recipientName: 'Preview Reader',
    });
    expect(revision).to.equal(1);
    expect(mail.subject).to.match(/^\[TLP:GREEN\] GOVCERT-HK-\d{4}-\d{4}: Critical vulnerability/);
    expect(mail.text)
      .to.match(/^TLP:GREEN/)
      .and.to.include('Dear Preview Reader')
      .and.to.include('PAP:GREEN');
    expect(mail.html).to.include(`https://govcert.example/console/advisories/${id}`);
  });
});
