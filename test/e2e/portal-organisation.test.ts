import { expect } from 'chai';
import { createActor } from '../helpers/actors.js';
import { bureauWithContact } from '../helpers/advisories.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { expectAccessible, screenshot, startBrowser, type TestBrowser } from './browser.js';
import { auditEventsAbout, bureauCode, createPerson, signIn } from './console-fixture.js';
import { switchLanguage } from './portal-fixture.js';

describe('bureau portal: my organisation (browser)', function () {
  this.timeout(180_000);
  let runtime: TestRuntime;
  let browser: TestBrowser;

  before(async () => {
    runtime = await startTestRuntime('e2eorg', { CONSOLE_TOTP_REQUIRED: 'false' });
    browser = await startBrowser();
  });
  after(async () => {
    await browser.close();
    await runtime.stop();
  });

  it("when a reporter keeps the bureau's contacts, then a wrong email is an error next to its field with nothing typed lost, the fixed contacts meet G3 18.1, the confirmation is recorded, and every change is audited", async () => {
    const code = bureauCode();
    const other = bureauCode();
    await bureauWithContact(runtime, code);
    await bureauWithContact(runtime, other);
    const reporter = await createPerson(runtime, 'reporter', code);
    const auditor = await createActor(runtime, { role: 'auditor' });

    const page = await browser.freshPage();
    await page.goto(`${runtime.url}/console`);
    await signIn(page, reporter.email, reporter.password);
    await page.waitForURL(`${runtime.url}/console`);
    // Never confirmed: the home page reminds the reporter.
    expect(await page.getByRole('note').textContent()).to.include('have not been confirmed');
    await expectAccessible(page);
    await screenshot(page, 'portal-home-contacts-reminder-en');
    await page.getByRole('link', { name: 'Check and confirm them' }).click();
    await page.waitForURL(`${runtime.url}/console/organisation`);
    expect(await page.textContent('main')).to.include('does not meet G3 18.1');
    expect(await page.textContent('main')).to.include('Reporters of this bureau may change its contacts');
    await expectAccessible(page);
    await screenshot(page, 'portal-organisation-en');

    const first = page.getByRole('group', { name: 'Contact 1', exact: true });
    await first.getByLabel('Phone', { exact: true }).fill('+852 2100 0001');
    await first.getByLabel(/Reachable round the clock/).check();
    const added = page.getByRole('group', { name: 'New contact 1', exact: true });
    await added.getByLabel('Name', { exact: true }).fill('Chan Tai Man');
    await added.getByLabel('Role', { exact: true }).fill('Round-the-clock contact');
    await added.getByLabel('Email address', { exact: true }).fill('chan.tai.man at bureau');
    await added.getByLabel('Phone', { exact: true }).fill('+852 2100 0002');
    await added.getByLabel(/Reachable round the clock/).check();
    await page.getByRole('button', { name: 'Save the contacts' }).click();
    await page.waitForLoadState();

    expect(await page.locator('[id="c1-email-error"]').textContent()).to.include('Enter an email address');
    expect(await page.getByRole('alert').textContent()).to.include('Enter an email address');
    // Nothing typed is lost.
    expect(await added.getByLabel('Name', { exact: true }).inputValue()).to.equal('Chan Tai Man');
    expect(await added.getByLabel('Email address', { exact: true }).inputValue()).to.equal(
      'chan.tai.man at bureau',
    );
    expect(await added.getByLabel(/Reachable round the clock/).isChecked()).to.equal(true);
    expect(await first.getByLabel('Phone', { exact: true }).inputValue()).to.equal('+852 2100 0001');
    await expectAccessible(page);
    await screenshot(page, 'portal-organisation-error-en');

    await added.getByLabel('Email address', { exact: true }).fill('chan.tai.man@bureau.gov.hk.example');
    await page.getByRole('button', { name: 'Save the contacts' }).click();
    await page.waitForURL(`${runtime.url}/console/organisation`);
    expect(await page.getByRole('status').textContent()).to.include('saved');
    const main = (await page.textContent('main')) ?? '';
    expect(main).to.include('This bureau meets G3 18.1.');
    expect(main).to.include('chan.tai.man@bureau.gov.hk.example');
    // Saving confirmed them: no reminder.
    expect(await page.getByRole('note').count()).to.equal(0);

    await page.getByRole('button', { name: 'Confirm these contacts are current' }).click();
    await page.waitForURL(`${runtime.url}/console/organisation`);
    expect(await page.getByRole('status').textContent()).to.include('confirmed current');
    expect(await page.textContent('main')).to.include(reporter.name);

    const updated = await auditEventsAbout(runtime, auditor.key, 'bureau.contacts.updated', code);
    expect(updated).to.have.length(1);
    expect(updated[0]?.actor.userId).to.equal(reporter.id);
    const confirmed = await auditEventsAbout(runtime, auditor.key, 'bureau.contacts.confirmed', code);
    expect(confirmed).to.have.length(1);

    await page.goto(`${runtime.url}/console`);
    expect(await page.getByRole('note').count()).to.equal(0);

    // Another bureau's organisation page does not exist for this reporter.
    const foreign = await page.goto(`${runtime.url}/console/organisation/${other}`);
    expect(foreign?.status()).to.equal(404);

    await page.goto(`${runtime.url}/console/organisation`);
    await switchLanguage(page, 'Language', 'zh-HK');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('我的機構');
    expect(await page.textContent('main')).to.include('本局／部門符合 G3 18.1 的要求。');
    await expectAccessible(page);
    await screenshot(page, 'portal-organisation-zh-HK');
    // An error in Chinese, next to its field.
    const blankRow = page.getByRole('group', { name: '新聯絡人 1', exact: true });
    await blankRow.getByLabel('姓名', { exact: true }).fill('陳小明');
    await blankRow.getByLabel('職責', { exact: true }).fill('全日候命聯絡人');
    await blankRow.getByLabel('電郵地址', { exact: true }).fill('chan.siu.ming@bureau.gov.hk.example');
    await blankRow.getByLabel(/全日候命（/).check();
    await page.getByRole('button', { name: '儲存聯絡人' }).click();
    await page.waitForLoadState();
    expect(await page.locator('[id="c2-phone-error"]').textContent()).to.include(
      '全日候命聯絡人必須有電話號碼',
    );
    expect(await blankRow.getByLabel('姓名', { exact: true }).inputValue()).to.equal('陳小明');
    await expectAccessible(page);
    await screenshot(page, 'portal-organisation-error-zh-HK');
    await switchLanguage(page, '語言', 'en');
  });

  it("when an administrator opens a bureau's organisation page, then they may change and confirm any bureau's contacts, and it is said so; /console/organisation leads them to the bureaux", async () => {
    const code = bureauCode();
    await bureauWithContact(runtime, code);
    const admin = await createPerson(runtime, 'admin');
    const page = await browser.freshPage();
    await page.goto(`${runtime.url}/console/organisation`);
    await signIn(page, admin.email, admin.password);
    await page.waitForURL(`${runtime.url}/console/admin/bureaux`);
    // The portal's links are for reporters only.
    expect(
      await page.getByRole('navigation').getByRole('link', { name: 'My organisation' }).count(),
    ).to.equal(0);

    await page.goto(`${runtime.url}/console/organisation/${code}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal(
      `Organisation: Bureau ${code}`,
    );
    expect(await page.textContent('main')).to.include('administrators may change any bureau');
    await page.getByRole('button', { name: 'Confirm these contacts are current' }).click();
    await page.waitForURL(`${runtime.url}/console/organisation/${code}`);
    expect(await page.getByRole('status').textContent()).to.include('confirmed current');
    expect(await page.textContent('main')).to.include(admin.name);
    await expectAccessible(page);
    await screenshot(page, 'portal-organisation-admin-en');
  });
});
