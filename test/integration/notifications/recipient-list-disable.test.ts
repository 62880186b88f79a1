import { expect } from 'chai';
import { policyRoutes } from '../../../src/triage/index.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { uniqueName } from '../../helpers/services.js';
import { auditEventsAbout } from '../../e2e/console-fixture.js';

describe('Disabling a recipient list', function () {
  this.timeout(60_000);
  let runtime: TestRuntime;
  let admin: TestActor;
  let auditor: TestActor;

  before(async () => {
    runtime = await startTestRuntime('rldisable');
    admin = await createActor(runtime, { role: 'admin' });
    auditor = await createActor(runtime, { role: 'auditor' });
  });
  after(async () => {
    await runtime.stop();
  });

  const member = (slug: string) => ({ name: 'Desk', address: `${slug}@lists.example` });

  async function putList(slug: string): Promise<void> {
    const answer = await call(runtime.url, 'PUT', `/api/v1/recipient-lists/${slug}`, {
      key: admin.key,
      body: { name: `List ${slug}`, organisation: 'Partner', circle: 'partner', members: [member(slug)] },
    });
    expect(answer.status, answer.text).to.equal(200);
  }

  it('when an admin disables a list, then it resolves to no one, an edit keeps it disabled, and enabling brings it back; both audited', async () => {
    const slug = uniqueName('rl')
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-');
    await putList(slug);
    const lists = runtime.modules.notifications.lists;

    const disabled = await call<{ disabledAt: string | null }>(
      runtime.url,
      'POST',
      `/api/v1/recipient-lists/${slug}/disable`,
      { key: admin.key },
    );
    expect(disabled.status, disabled.text).to.equal(200);
    expect(disabled.body.disabledAt).to.be.a('string');
    const { recipients, unresolved } = await lists.resolve([slug]);
    expect(recipients).to.deep.equal([]);
    expect(unresolved).to.deep.equal([{ route: slug, reason: `recipient list "${slug}" is disabled` }]);
    expect(await lists.missing([slug])).to.deep.equal([slug]);

    // Replacing its members does not switch it back on behind the administrator's back.
    await putList(slug);
    expect((await lists.require(slug)).disabledAt).not.to.equal(null);

    const enabled = await call<{ disabledAt: string | null }>(
      runtime.url,
      'POST',
      `/api/v1/recipient-lists/${slug}/enable`,
      { key: admin.key },
    );
    expect(enabled.status, enabled.text).to.equal(200);
    expect(enabled.body.disabledAt).to.equal(null);
    expect((await lists.resolve([slug])).recipients.map((r) => r.address)).to.deep.equal([
      member(slug).address,
    ]);

    const subject = `recipient-list:${slug}`;
    const [off] = await auditEventsAbout(runtime, auditor.key, 'recipient_list.disabled', subject);
    const [on] = await auditEventsAbout(runtime, auditor.key, 'recipient_list.enabled', subject);
    expect(off.actor.userId).to.equal(admin.userId);
    expect(on.actor.userId).to.equal(admin.userId);
  });

  it('when a list the active policy mails is to be disabled, then it is refused naming the rules, and nothing changes', async () => {
    const used = policyRoutes(runtime.modules.intake.triage.activePolicy).find(
      (route) => route.route !== 'reporting-bureau' && route.route !== 'director-of-bureau',
    );
    if (!used) return expect.fail('the active policy mails no list');
    await putList(used.route);
    const answer = await call<{ error: { code: string; message: string } }>(
      runtime.url,
      'POST',
      `/api/v1/recipient-lists/${used.route}/disable`,
      { key: admin.key },
    );
    expect(answer.status, answer.text).to.equal(409);
    expect(answer.body.error.code).to.equal('list_in_use');
    expect(answer.body.error.message).to.contain(used.usedBy[0] ?? '');
    expect((await runtime.modules.notifications.lists.require(used.route)).disabledAt).to.equal(null);
  });

  it('when a responder or an unknown list is asked to disable, then 403 and 404', async () => {
    const responder = await createActor(runtime, { role: 'responder' });
    const refused = await call(runtime.url, 'POST', '/api/v1/recipient-lists/hkcert/disable', {
      key: responder.key,
    });
    expect(refused.status).to.equal(403);
    const unknown = await call(runtime.url, 'POST', '/api/v1/recipient-lists/no-such-list-here/disable', {
      key: admin.key,
    });
    expect(unknown.status).to.equal(404);
  });
});
