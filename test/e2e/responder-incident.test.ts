import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createActor, type TestActor } from '../helpers/actors.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { uniqueIndicator } from '../factories/incident.factory.js';
import { call } from '../helpers/http.js';
import {
  change,
  reportAndTriage,
  workflowOf,
  type WorkflowJson,
} from '../integration/workflow/workflow-fixture.js';
import { waitFor } from '../helpers/wait.js';
import { expectAccessible, screenshot, startBrowser, type TestBrowser } from './browser.js';
import { bureauCode, createPerson, signIn, type ConsolePerson } from './console-fixture.js';

/** Now in Hong Kong, as a datetime-local field takes it (`2026-12-02T14:30`). */
function hongKongNow(): string {
  return new Date(Date.now() + 8 * 3_600_000 - 60_000).toISOString().slice(0, 16);
}

describe('responders working an incident (browser)', function () {
  this.timeout(240_000);
  let runtime: TestRuntime;
  let first: TestBrowser;
  let second: TestBrowser;
  let reader: TestActor;
  let incident: WorkflowJson;
  let duplicate: WorkflowJson;
  let alice: ConsolePerson;
  let bob: ConsolePerson;

  before(async () => {
    runtime = await startTestRuntime('e2ework', { CONSOLE_TOTP_REQUIRED: 'false' });
    first = await startBrowser();
    second = await startBrowser();
    const reporter = await createActor(runtime, { role: 'reporter' });
    reader = await createActor(runtime, { role: 'responder' });
    incident = await reportAndTriage(runtime.url, reporter, reader);
    duplicate = await reportAndTriage(runtime.url, reporter, reader);
    alice = await createPerson(runtime, 'responder');
    bob = await createPerson(runtime, 'responder');
  });
  after(async () => {
    await first.close();
    await second.close();
    await runtime.stop();
  });

  const work = (id: string) => `${runtime.url}/console/incidents/${id}/work`;
  const status = async (page: Page) =>
    (await page.locator('dl.facts').first().locator('dd').first().textContent())?.trim();
  async function moveTo(page: Page, label: string): Promise<void> {
    await page.getByLabel('Move to').selectOption({ label });
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await page.waitForURL(work(incident.id));
  }

  it('when a responder claims from the queue, acknowledges, records an obligation, merges a duplicate and closes the S2 with its review, then each step shows and a stale action by a second responder shows what changed', async () => {
    expect(incident.severity).to.equal('S2');
    const page = await first.freshPage();
    await page.goto(`${runtime.url}/console/queues/${incident.queue ?? ''}`);
    await signIn(page, alice.email, alice.password);
    await page.getByRole('link', { name: incident.ref }).click();
    await page.waitForURL(work(incident.id));
    await expectAccessible(page);
    await screenshot(page, 'incident-work-en');

    await page.getByRole('button', { name: 'Claim' }).click();
    await page.waitForURL(work(incident.id));
    expect(await page.locator('dl.facts').first().textContent()).to.include(alice.name);
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.waitForURL(work(incident.id));
    expect(await status(page)).to.equal('Acknowledged');
    // Only the moves the lifecycle allows from here are offered.
    const offered = await page.getByLabel('Move to').locator('option').allTextContents();
    expect(offered).to.deep.equal(['Investigating', 'Rejected']);

    // Bob opens the page, Alice moves on, Bob's note is refused with what changed, and not saved.
    const other = await second.freshPage();
    await other.goto(work(incident.id));
    await signIn(other, bob.email, bob.password);
    await other.waitForURL(work(incident.id));
    await moveTo(page, 'Investigating');
    await other.getByLabel('Note', { exact: true }).fill('Bob was here');
    await other.getByRole('button', { name: 'Add note' }).click();
    const alert = other.getByRole('alert');
    expect(await alert.textContent()).to.include('Changed since you opened it');
    expect(await alert.textContent()).to.include('Status: Acknowledged → Investigating');
    await expectAccessible(other);
    await screenshot(other, 'incident-work-conflict-en');
    expect((await workflowOf(runtime.url, reader, incident.id)).body.notes).to.deep.equal([]);
    // Bob writes it again on the page as it stands now: it shows. Alice's page, opened before his
    // note, still acts below (a note is the worklog's and does not change the version her forms carry).
    await other.goto(work(incident.id));
    await other.getByLabel('Note', { exact: true }).fill('Bob was here');
    await other.getByRole('button', { name: 'Add note' }).click();
    await other.waitForURL(work(incident.id));
    expect(await other.locator('main').textContent()).to.include('Bob was here');
    await screenshot(other, 'incident-work-note-en');
    expect((await workflowOf(runtime.url, reader, incident.id)).body.notes.map((n) => n.text)).to.deep.equal([
      'Bob was here',
    ]);

    // An obligation this incident has, chosen by name from its own list.
    const obligations = await page
      .getByLabel('Obligation', { exact: true })
      .locator('option')
      .allTextContents();
    expect(obligations.length).to.be.greaterThan(0);
    await page.getByLabel('Obligation', { exact: true }).selectOption(obligations[0]);
    await page.getByLabel('Done at (Hong Kong time)').fill(hongKongNow());
    await page.getByLabel('Reference given').fill('phoned GIRO-SO');
    await page.getByRole('button', { name: 'Record obligation met' }).click();
    await page.waitForURL(work(incident.id));
    const recorded = (await workflowOf(runtime.url, reader, incident.id)).body.obligations;
    expect(recorded.map((o) => o.obligation)).to.include(obligations[0]);

    // The duplicate is merged into this one from its own page.
    await page.goto(work(duplicate.id));
    await page.getByLabel('Incident this one duplicates (its id)').fill(incident.id);
    await page.getByRole('button', { name: 'Merge as duplicate' }).click();
    await page.waitForURL(work(duplicate.id));
    expect(await status(page)).to.equal('Duplicate');
    await page.goto(work(incident.id));
    expect(await page.getByText(`Merged in: ${duplicate.ref}`).count()).to.equal(1);

    await moveTo(page, 'Contained');
    await moveTo(page, 'Eradicated');
    await moveTo(page, 'Recovered');
    // Closing an S2 without its review is refused with the reason; with it, the incident closes.
    await page.getByLabel('Move to').selectOption({ label: 'Closed' });
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    expect(await page.locator('.error-summary').textContent()).to.include('required before closing an S2');
    // Each missing field of the review is named at the top and linked to its field.
    expect(await page.locator('.error-summary a[href="#rootCause"]').count()).to.equal(1);
    // So is each regulatory deadline still running: met, or a reason it does not apply, to close.
    expect(await page.locator('.error-summary').textContent()).to.include(
      'hk-gov.post-incident-report is still running',
    );
    await page.getByLabel('Move to').selectOption({ label: 'Closed' });
    const reasons = page
      .getByRole('group', { name: 'Regulatory deadlines still running (to close)' })
      .getByRole('textbox');
    expect(await reasons.count()).to.be.greaterThan(0);
    for (let i = 0; i < (await reasons.count()); i++)
      await reasons.nth(i).fill('Closed early: the post-incident report covers it');
    await page.getByLabel('Root cause').fill('Unpatched VPN appliance');
    await page.getByLabel('Lessons learnt').fill('Patch within 48 h');
    await page.getByLabel('Estimated cost (HKD)').fill('120000');
    await page.getByLabel('People affected').fill('40');
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await page.waitForURL(work(incident.id));
    expect(await status(page)).to.equal('Closed');
    expect(await page.getByLabel('Move to').count()).to.equal(0);
    const after = (await workflowOf(runtime.url, reader, incident.id)).body.clocks;
    expect(after.filter((c) => c.state === 'running' || c.state === 'pending')).to.deep.equal([]);
    await screenshot(page, 'incident-work-closed-en');

    await page.getByLabel('Language').selectOption('zh-HK');
    await page.getByRole('button', { name: 'Change language' }).click();
    await page.waitForSelector('html[lang="zh-HK"]');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal(`事故 ${incident.ref}`);
    await expectAccessible(page);
    await screenshot(page, 'incident-work-zh');
  });

  it('when a lead assigns an incident to a responder and rejects it with a finding, then the page shows both and the finding is recorded', async () => {
    const reporter = await createActor(runtime, { role: 'reporter' });
    const third = await reportAndTriage(runtime.url, reporter, reader);
    const lead = await createPerson(runtime, 'lead');
    const page = await first.freshPage();
    await page.goto(work(third.id));
    await signIn(page, lead.email, lead.password);
    await page.waitForURL(work(third.id));
    // The navigation leads CERT staff to their queues and work.
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Queues' }).count()).to.equal(1);
    await page.getByLabel('Assign to').selectOption({ label: bob.name });
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await page.waitForURL(work(third.id));
    expect(await page.locator('dl.facts').first().textContent()).to.include(bob.name);
    // Rejecting without a finding is refused next to the field; with one, it is recorded.
    await page.getByLabel('Move to').selectOption({ label: 'Rejected' });
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    expect(await page.locator('.error-summary').count()).to.equal(1);
    await expectAccessible(page);
    await page.getByLabel('Move to').selectOption({ label: 'Rejected' });
    await page.getByLabel('Finding', { exact: true }).fill('A planned penetration test, not an attack');
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await page.waitForURL(work(third.id));
    expect(await status(page)).to.equal('Rejected');
    const after = (await workflowOf(runtime.url, reader, third.id)).body;
    expect(after.finding).to.equal('A planned penetration test, not an attack');
    expect(after.assignee?.name).to.equal(bob.name);
  });

  it('when a responder marks an incident shared with another bureau, then the header shows the untranslated TLP and PAP, a stale marking shows what changed, the audit history pages newest first in Hong Kong time, and the indicator names the other bureau’s incident and the campaign', async () => {
    const shared = uniqueIndicator();
    const ours = await createActor(runtime, { role: 'reporter' });
    const theirs = await createActor(runtime, { role: 'reporter' });
    const marked = await reportAndTriage(runtime.url, ours, reader, { indicators: [shared] });
    const other = await reportAndTriage(runtime.url, theirs, reader, { indicators: [shared] });
    // The second report's triage links both (campaign); wait for the link on the first.
    await waitFor(
      () =>
        call<{ campaign?: { relatedIncidentIds: string[] } | null }>(
          runtime.url,
          'GET',
          `/api/v1/incidents/${marked.id}`,
          { key: reader.key },
        ),
      (answer) => (answer.body.campaign?.relatedIncidentIds ?? []).includes(other.id),
    );
    // Enough events for a second page of the history (20 a page): notes through the API.
    for (let n = 0; n < 20; n += 1) {
      const current = await workflowOf(runtime.url, reader, marked.id);
      const noted = await change(
        runtime.url,
        reader,
        `/api/v1/incidents/${marked.id}/notes`,
        current.body.revision,
        {
          text: `note ${n}`,
        },
      );
      expect(noted.status, noted.text).to.be.oneOf([200, 201]);
    }
    const carol = await createPerson(runtime, 'responder');
    const page = await first.freshPage();
    await page.goto(work(marked.id));
    await signIn(page, carol.email, carol.password);
    await page.waitForURL(work(marked.id));
    const header = page.locator('dl.facts').first();
    expect(await header.locator('[data-marking="tlp"]').textContent()).to.equal('TLP:AMBER');
    expect(await header.locator('[data-marking="pap"]').textContent()).to.equal('PAP:AMBER');

    // Bob opens the page before Carol marks it; his marking is then refused with what changed.
    const stale = await second.freshPage();
    await stale.goto(work(marked.id));
    await signIn(stale, bob.email, bob.password);
    await stale.waitForURL(work(marked.id));

    await page.getByLabel('TLP', { exact: true }).selectOption('RED');
    await page.getByLabel('PAP', { exact: true }).selectOption('GREEN');
    await page.getByRole('button', { name: 'Set markings' }).click();
    await page.waitForURL(work(marked.id));
    expect(await header.locator('[data-marking="tlp"]').textContent()).to.equal('TLP:RED');
    expect(await header.locator('[data-marking="pap"]').textContent()).to.equal('PAP:GREEN');

    await stale.getByLabel('TLP', { exact: true }).selectOption('CLEAR');
    await stale.getByRole('button', { name: 'Set markings' }).click();
    const alert = await stale.getByRole('alert').textContent();
    expect(alert).to.include('Changed since you opened it');
    expect(alert).to.include('TLP: AMBER → RED');
    expect(alert).to.include('PAP: AMBER → GREEN');
    expect((await workflowOf(runtime.url, reader, marked.id)).body).to.include({ tlp: 'RED', pap: 'GREEN' });

    // The audit history: newest first, the marking by Carol among the first, times in HKT with UTC on hover.
    const history = page.locator('section[aria-labelledby="history-h"]');
    const top = history.locator('tbody tr', { hasText: 'incident.markings_changed' });
    await waitFor(
      async () => {
        await page.reload();
        return top.count();
      },
      (count) => count === 1,
    );
    expect(await top.textContent()).to.include(carol.name);
    expect(await top.textContent()).to.include('tlp, pap');
    expect(await top.locator('time').textContent()).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d HKT$/);
    expect(await top.locator('time').getAttribute('title')).to.match(/Z \(UTC\)$/);
    expect(await history.locator('tbody tr').count()).to.equal(20);
    const seqs = (await history.locator('tbody tr td:first-child').allTextContents()).map(Number);
    expect(seqs).to.deep.equal([...seqs].sort((a, b) => b - a));
    await history.getByRole('link', { name: 'Older events' }).click();
    const older = (await history.locator('tbody tr td:first-child').allTextContents()).map(Number);
    expect(older.length).to.be.greaterThan(0);
    expect(Math.max(...older)).to.be.lessThan(Math.min(...seqs));
    expect(await history.getByRole('link', { name: 'Newest events' }).count()).to.equal(1);
    await page.goto(work(marked.id));

    // The shared indicator names the other bureau's incident (a link: a responder may read it).
    const row = page
      .locator('table', { has: page.getByRole('columnheader', { name: 'Also seen in' }) })
      .locator('tbody tr');
    expect(await row.count()).to.equal(1);
    const seenIn = row.getByRole('link', { name: `${other.ref} (${theirs.actor.bureauId ?? ''})` });
    expect(await seenIn.getAttribute('href')).to.equal(`/console/incidents/${other.id}`);
    const campaign = page.locator('ul.campaign-links');
    expect(await campaign.getByRole('link', { name: new RegExp(other.ref) }).count()).to.equal(1);
    await expectAccessible(page);
    await screenshot(page, 'incident-work-record-en');

    await page.getByLabel('Language').selectOption('zh-HK');
    await page.getByRole('button', { name: 'Change language' }).click();
    await page.waitForSelector('html[lang="zh-HK"]');
    // TLP 2.0 labels stay in English, upper case, in Chinese too.
    expect(await header.locator('[data-marking="tlp"]').textContent()).to.equal('TLP:RED');
    expect(await page.getByRole('heading', { name: '審計紀錄' }).count()).to.equal(1);
    expect(await history.locator('tbody tr').first().locator('time').textContent()).to.match(/香港時間$/);
    await expectAccessible(page);
    await screenshot(page, 'incident-work-record-zh');

    // The bureau's own incident page shows the TLP too, and nothing of the other bureau.
    const reporterPerson = await createPerson(runtime, 'reporter', ours.actor.bureauId);
    const portal = await second.freshPage();
    await portal.goto(`${runtime.url}/console/my-incidents/${marked.id}`);
    await signIn(portal, reporterPerson.email, reporterPerson.password);
    await portal.waitForURL(`${runtime.url}/console/my-incidents/${marked.id}`);
    expect(await portal.locator('[data-marking="tlp"]').textContent()).to.equal('TLP:RED');
    expect(await portal.content()).to.not.include(other.ref);
    await expectAccessible(portal);
  });

  it("when a bureau reporter opens a responder's incident page, then the 403 page shows", async () => {
    const person = await createPerson(runtime, 'reporter', bureauCode());
    const page = await first.freshPage();
    await page.goto(work(incident.id));
    await signIn(page, person.email, person.password);
    await page.waitForURL(work(incident.id));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Not allowed');
    expect(await page.getByRole('link', { name: 'Queues' }).count()).to.equal(0);
  });
});
