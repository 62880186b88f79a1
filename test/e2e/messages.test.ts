import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { expectAccessible, screenshot, startBrowser, type TestBrowser } from './browser.js';
import { bureauCode, createPerson, signIn } from './console-fixture.js';
import { fileIncident, switchLanguage } from './portal-fixture.js';

describe('messages between a bureau and the CERT (browser)', function () {
  this.timeout(240_000);
  let runtime: TestRuntime;
  let bureauSide: TestBrowser;
  let certSide: TestBrowser;

  before(async () => {
    runtime = await startTestRuntime('e2emessages', { CONSOLE_TOTP_REQUIRED: 'false' });
    bureauSide = await startBrowser();
    certSide = await startBrowser();
  });
  after(async () => {
    await bureauSide.close();
    await certSide.close();
    await runtime.stop();
  });

  const thread = (page: Page) => page.getByRole('region', { name: /^(Messages with|與)/ });

  it("when a reporter writes to the CERT, then the responder reads it on the incident page and replies, the reporter reads the reply signed by GovCERT, an empty message is an error next to the field, and another bureau's reporter gets the 404 page", async () => {
    const reporter = await createPerson(runtime, 'reporter', bureauCode());
    const responder = await createPerson(runtime, 'responder');
    const filed = await fileIncident(runtime, reporter, { title: 'Suspicious mail to the payroll team' });
    const portalPage = `${runtime.url}/console/my-incidents/${filed.id}`;
    const workPage = `${runtime.url}/console/incidents/${filed.id}/work`;

    // The reporter: an empty message comes back with the error in words next to the field.
    const bureau = await bureauSide.freshPage();
    await bureau.goto(portalPage);
    await signIn(bureau, reporter.email, reporter.password);
    await bureau.waitForURL(portalPage);
    expect(await thread(bureau).getByRole('heading', { level: 2 }).textContent()).to.equal(
      'Messages with the CERT',
    );
    expect(await thread(bureau).textContent()).to.include('No messages yet.');
    await bureau.getByRole('button', { name: 'Send the message' }).click();
    await bureau.waitForLoadState();
    expect(await bureau.locator('#message-body-error').textContent()).to.equal(
      'Write a message before sending it.',
    );
    expect(await bureau.getByLabel('Your message').getAttribute('aria-invalid')).to.equal('true');
    await expectAccessible(bureau);
    await screenshot(bureau, 'messages-empty-error-en');

    await bureau
      .getByLabel('Your message')
      .fill('A clerk clicked the link at 09:10.\nShould we reset all passwords?');
    await bureau.getByRole('button', { name: 'Send the message' }).click();
    await bureau.waitForURL(`${portalPage}#messages`);
    expect(await bureau.getByRole('status').textContent()).to.include('Your message was sent.');
    // Line breaks are kept, and nothing is added to the text (no indentation from the layout).
    expect(await thread(bureau).locator('.prose').first().textContent()).to.equal(
      'A clerk clicked the link at 09:10.\nShould we reset all passwords?',
    );
    await expectAccessible(bureau);
    await screenshot(bureau, 'messages-portal-sent-en');

    // The responder reads it on their incident page and replies.
    const cert = await certSide.freshPage();
    await cert.goto(workPage);
    await signIn(cert, responder.email, responder.password);
    await cert.waitForURL(workPage);
    const certThread = thread(cert);
    expect(await certThread.getByRole('heading', { level: 2 }).textContent()).to.equal(
      'Messages with the bureau',
    );
    expect(await certThread.textContent())
      .to.include('Should we reset all passwords?')
      .and.to.include(`${reporter.name} (bureau)`);
    await cert.getByLabel('Your message').fill('Yes: reset the clerk first, then the team. Keep the mail.');
    await cert.getByRole('button', { name: 'Send the message' }).click();
    await cert.waitForURL(`${workPage}#messages`);
    expect(await thread(cert).textContent())
      .to.include('Keep the mail.')
      .and.to.include(`${responder.name} (GovCERT)`);
    await expectAccessible(cert);
    await screenshot(cert, 'messages-work-en');
    await switchLanguage(cert, 'Language', 'zh-HK');
    expect(await thread(cert).getByRole('heading', { level: 2 }).textContent()).to.equal(
      '與決策局／部門的訊息往來',
    );
    await expectAccessible(cert);
    await screenshot(cert, 'messages-work-zh-HK');

    // The reporter sees the reply, signed by GovCERT (the responder's name stays inside the CERT).
    await bureau.goto(portalPage);
    const bureauThread = thread(bureau);
    const replies = bureauThread.getByRole('listitem');
    expect(await replies.count()).to.equal(2);
    expect(await replies.nth(1).textContent())
      .to.include('Keep the mail.')
      .and.to.include('GovCERT');
    expect(await bureauThread.textContent()).not.to.include(responder.name);
    await switchLanguage(bureau, 'Language', 'zh-HK');
    expect(await thread(bureau).getByRole('heading', { level: 2 }).textContent()).to.equal(
      '與 CERT 的訊息往來',
    );
    await expectAccessible(bureau);
    await screenshot(bureau, 'messages-portal-zh-HK');

    // Another bureau's reporter: the thread, like the incident, is the 404 page.
    const stranger = await createPerson(runtime, 'reporter', bureauCode());
    const other = await certSide.freshPage();
    await other.goto(`${runtime.url}/console/my-incidents`);
    await signIn(other, stranger.email, stranger.password);
    await other.waitForURL(`${runtime.url}/console/my-incidents`);
    const answer = await other.goto(`${runtime.url}/console/incidents/${filed.id}/messages`);
    expect(answer?.status()).to.equal(404);
    expect(await other.getByRole('heading', { level: 1 }).textContent()).to.equal('Page not found');
    expect(await other.textContent('main')).not.to.include('reset all passwords');
    await expectAccessible(other);
  });
});
