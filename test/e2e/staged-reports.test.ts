import { join } from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createActor, type TestActor } from '../helpers/actors.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { workflowOf } from '../integration/workflow/workflow-fixture.js';
import { waitFor } from '../helpers/wait.js';
import { SCREENSHOT_DIR, expectAccessible, screenshot, startBrowser, type TestBrowser } from './browser.js';
import { auditEventsAbout, bureauCode, createPerson, signIn, type ConsolePerson } from './console-fixture.js';
import { fileIncident, switchLanguage } from './portal-fixture.js';

const PRELIMINARY = 'Preliminary written report to GIRO-SO';

describe('staged reports: the bureau submits, the CERT reviews (browser)', function () {
  this.timeout(360_000);
  let runtime: TestRuntime;
  let bureauSide: TestBrowser;
  let certSide: TestBrowser;
  let reader: TestActor;
  let auditor: TestActor;
  let reporter: ConsolePerson;
  let responder: ConsolePerson;
  let incident: { id: string; ref: string };

  before(async () => {
    runtime = await startTestRuntime('e2estaged', { CONSOLE_TOTP_REQUIRED: 'false' });
    bureauSide = await startBrowser();
    certSide = await startBrowser();
    reader = await createActor(runtime, { role: 'responder' });
    auditor = await createActor(runtime, { role: 'auditor' });
    reporter = await createPerson(runtime, 'reporter', bureauCode());
    responder = await createPerson(runtime, 'responder');
    incident = await fileIncident(runtime, reporter, { title: 'Licensing site defaced' });
    const triaged = await waitFor(
      () => workflowOf(runtime.url, reader, incident.id),
      (answer) => answer.body.status === 'triaged' && answer.body.clocks.every((c) => c.state !== undefined),
    );
    expect(triaged.body.status, triaged.text).to.equal('triaged');
  });
  after(async () => {
    await bureauSide.close();
    await certSide.close();
    await runtime.stop();
  });

  const portal = () => `${runtime.url}/console/my-incidents/${incident.id}`;
  const work = () => `${runtime.url}/console/incidents/${incident.id}/work`;
  const owedRow = (page: Page) =>
    page.getByRole('region', { name: 'Reports we owe' }).getByRole('row', { name: new RegExp(PRELIMINARY) });
  const bureauReports = (page: Page) => page.getByRole('region', { name: 'Bureau reports' });
  /** The section alone, readable beside the long full-page shot of the work page. */
  const sectionShot = (page: Page, name: string, region: string) =>
    page.getByRole('region', { name: region }).screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });

  it('when a reporter submits the preliminary report, a responder asks for a revision, the reporter sends it again and a responder accepts it, then each side sees each step and the clock is met', async () => {
    // The bureau: its incident page lists the report due, with a link to its form.
    const bureau = await bureauSide.freshPage();
    await bureau.goto(portal());
    await signIn(bureau, reporter.email, reporter.password);
    await bureau.waitForURL(portal());
    expect(await owedRow(bureau).textContent()).to.include('Due');
    await expectAccessible(bureau);
    await screenshot(bureau, 'staged-reports-owed-en');
    await owedRow(bureau).getByRole('link', { name: 'Write the report' }).click();
    await bureau.waitForURL(/\/reports\/report\.giro\.preliminary/);
    expect(await bureau.getByRole('heading', { level: 1 }).textContent()).to.include(PRELIMINARY);

    // Nothing filled in: each required field says so, next to it.
    await bureau.getByRole('button', { name: 'Send the report' }).click();
    await bureau.waitForLoadState();
    expect(await bureau.locator('[id="whatHappened-error"]').textContent()).to.include('required');
    expect(await bureau.locator('[id="impact-error"]').textContent()).to.include('required');
    await expectAccessible(bureau);
    await screenshot(bureau, 'staged-reports-form-errors-en');

    await bureau
      .getByLabel('What happened')
      .fill('The licensing site was defaced at 09:10; found by a citizen.');
    await bureau.getByLabel('Impact').fill('Licence renewals online unavailable for 3 hours.');
    await bureau.getByLabel('Actions taken').fill('Site taken offline and restored from backup.');
    await bureau.getByLabel('Their reference (if any)').fill('GIRO-SO 2026/0042');
    await expectAccessible(bureau);
    await screenshot(bureau, 'staged-reports-form-en');
    await bureau.getByRole('button', { name: 'Send the report' }).click();
    await bureau.waitForURL(portal());
    expect(await bureau.getByRole('status').textContent()).to.include('Your report was sent to GovCERT.');
    expect(await owedRow(bureau).textContent()).to.include('Submitted');

    // The CERT: the work page shows the report; a revision without a comment is refused next to the field.
    const cert = await certSide.freshPage();
    await cert.goto(work());
    await signIn(cert, responder.email, responder.password);
    await cert.waitForURL(work());
    expect(await bureauReports(cert).textContent()).to.include('Licence renewals online unavailable');
    await expectAccessible(cert);
    await screenshot(cert, 'staged-reports-review-en');
    await sectionShot(cert, 'staged-reports-review-section-en', 'Bureau reports');
    await bureauReports(cert).getByRole('button', { name: 'Start the review' }).click();
    await cert.waitForURL(/\/work/);
    expect(await bureauReports(cert).textContent()).to.include('Under review');
    await bureauReports(cert).getByRole('button', { name: 'Request a revision' }).click();
    await cert.waitForLoadState();
    expect(await cert.locator('.error').first().textContent()).to.include('required');
    await expectAccessible(cert);
    await screenshot(cert, 'staged-reports-review-error-en');
    await cert.getByLabel('What the bureau should change').fill('Say how many citizens were affected.');
    await cert.getByRole('button', { name: 'Request a revision' }).click();
    await cert.waitForURL(/\/work/);
    expect(await cert.getByRole('status').textContent()).to.include('Your review was recorded.');
    expect(await bureauReports(cert).textContent()).to.include('Revision requested');

    // The bureau sees the comment and sends version 2, starting from version 1.
    await bureau.reload();
    const row = await owedRow(bureau).textContent();
    expect(row).to.include('Revision requested');
    expect(row).to.include('Say how many citizens were affected.');
    await owedRow(bureau).getByRole('link', { name: 'Revise the report' }).click();
    await bureau.waitForURL(/\/reports\/report\.giro\.preliminary/);
    expect(await bureau.textContent('main')).to.include('GovCERT asked for a revision');
    expect(await bureau.getByLabel('What happened').inputValue()).to.include('defaced at 09:10');
    await bureau
      .getByLabel('Impact')
      .fill('Licence renewals online unavailable for 3 hours; about 250 citizens could not renew.');
    await expectAccessible(bureau);
    await screenshot(bureau, 'staged-reports-revision-en');
    await bureau.getByRole('button', { name: 'Send the report' }).click();
    await bureau.waitForURL(portal());
    expect(await owedRow(bureau).textContent()).to.include('Submitted');

    // The CERT accepts version 2; the preliminary report's clock shows met.
    await cert.reload();
    expect(await bureauReports(cert).textContent()).to.include('about 250 citizens');
    await bureauReports(cert).getByLabel('Comment for the bureau (optional)').fill('Thank you.');
    await bureauReports(cert).getByRole('button', { name: 'Accept' }).click();
    await cert.waitForURL(/\/work/);
    expect(await bureauReports(cert).textContent()).to.include('Accepted');
    const clockRow = cert.getByRole('row', { name: new RegExp(`${PRELIMINARY} \\(HK-GOV\\)`) });
    expect(await clockRow.textContent()).to.include('met');
    await expectAccessible(cert);
    await screenshot(cert, 'staged-reports-accepted-en');
    await sectionShot(cert, 'staged-reports-accepted-section-en', 'Bureau reports');

    await bureau.reload();
    expect(await owedRow(bureau).textContent()).to.include('Accepted');
    // The bureau's page lists the report once (its own table, no second table of deadlines).
    expect(await owedRow(bureau).count()).to.equal(1);
    expect(await bureau.getByRole('heading', { name: 'Reports your bureau owes' }).count()).to.equal(0);

    const accepted = await auditEventsAbout(runtime, auditor.key, 'staged_report.accepted', incident.id);
    expect(accepted).to.have.length(1);
    expect(
      await auditEventsAbout(runtime, auditor.key, 'staged_report.submitted', incident.id, 2),
    ).to.have.length(2);
    expect(
      await auditEventsAbout(runtime, auditor.key, 'staged_report.revision_requested', incident.id),
    ).to.have.length(1);

    // The bureau's History tells each step (the events are in the trail now).
    await bureau.reload();
    const history = async (what: string) =>
      (await bureau.getByRole('row', { name: new RegExp(what) }).allTextContents()).join('\n');
    expect(await history('Report sent')).to.include(`${PRELIMINARY}, version 2`);
    expect(await history('Revision requested by GovCERT')).to.include(
      `${PRELIMINARY}, version 1. GovCERT asks:`,
    );
    expect(await history('Report accepted by GovCERT')).to.include(`${PRELIMINARY}, version 2`);

    // Both sides in Chinese: the same pages pass axe.
    await switchLanguage(bureau, 'Language', 'zh-HK');
    expect(await bureau.textContent('main')).to.include('我們須提交的報告');
    expect(await bureau.textContent('main'))
      .to.include('已提交報告')
      .and.to.include('GovCERT 要求修訂報告')
      .and.to.include('GovCERT 已接納報告');
    await expectAccessible(bureau);
    await screenshot(bureau, 'staged-reports-owed-zh-HK');
    // The report is named as the policy names it in Chinese, in the list, its history and its form.
    expect(await history('已提交報告')).to.include('致 GIRO-SO 的初步書面報告');
    await bureau.goto(`${portal()}/reports/report.giro.preliminary`);
    expect(await bureau.getByRole('heading', { level: 1 }).textContent()).to.include(
      '致 GIRO-SO 的初步書面報告',
    );
    await expectAccessible(bureau);
    await screenshot(bureau, 'staged-reports-form-zh-HK');
    await switchLanguage(cert, 'Language', 'zh-HK');
    expect(await cert.textContent('main')).to.include('部門報告');
    expect(await cert.textContent('main')).to.include('致 GIRO-SO 的初步書面報告');
    await expectAccessible(cert);
    await screenshot(cert, 'staged-reports-review-zh-HK');
    await sectionShot(cert, 'staged-reports-accepted-section-zh-HK', '部門報告');
  });

  it("when a reporter of another bureau opens the incident's report form, then it is the 404 page", async () => {
    const stranger = await createPerson(runtime, 'reporter', bureauCode());
    const page = await bureauSide.freshPage();
    await page.goto(`${portal()}/reports/report.giro.preliminary`);
    await signIn(page, stranger.email, stranger.password);
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.match(/not found/i);
  });
});
