import { expect } from 'chai';
import { systemActor, type Actor } from '../../../src/auth/index.js';
import { NotFoundError } from '../../../src/platform/errors.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { advisoryContent, bureauWithContact, reviseAndSend, sendAdvisory } from '../../helpers/advisories.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { uniqueName } from '../../helpers/services.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';

const freshCode = (): string => `A${uniqueName('X').slice(2, 9).toUpperCase()}`;

describe("advisories: a bureau's own (the portal's service)", function () {
  this.timeout(90_000);
  let smtp: TestSmtpServer;
  let runtime: TestRuntime;
  let cert: { responder: TestActor; lead: TestActor };
  let ours: string;
  let theirs: string;
  let reporter: Actor;

  before(async () => {
    smtp = await startSmtpServer();
    runtime = await startTestRuntime('bureauadv', { SMTP_URL: smtp.url });
    const [responder, lead] = await Promise.all([
      createActor(runtime, { role: 'responder' }),
      createActor(runtime, { role: 'lead' }),
    ]);
    cert = { responder, lead };
    ours = freshCode();
    theirs = freshCode();
    await bureauWithContact(runtime, ours);
    await bureauWithContact(runtime, theirs);
    reporter = (await createActor(runtime, { role: 'reporter', bureauId: ours })).actor;
  });
  after(async () => {
    await runtime.stop();
    await smtp.stop();
  });

  const service = () => runtime.modules.advisories.bureau;

  it('when advisories go to several bureaux and lists, then a reporter lists and reads only those sent to their bureau, and any other is a 404', async () => {
    const toUs = await sendAdvisory(runtime, cert, [`bureau:${ours}`, `bureau:${theirs}`]);
    const toThem = await sendAdvisory(runtime, cert, [`bureau:${theirs}`]);
    const list = uniqueName('partners').replace('_', '-');
    await runtime.modules.notifications.lists.upsert(systemActor('test'), list, {
      name: 'Partners',
      organisation: 'HKCERT',
      circle: 'partner',
      members: [{ name: 'Duty desk', address: `${uniqueName('duty').replace('_', '.')}@hkcert.example` }],
    });
    const toList = await sendAdvisory(runtime, cert, [list]);

    const listed = await service().list(reporter);
    const ids = listed.map((a) => a.id);
    expect(ids).to.include(toUs);
    expect(ids).not.to.include(toThem);
    expect(ids).not.to.include(toList);

    const read = await service().get(reporter, toUs);
    expect(read.content.tlp).to.equal('AMBER');
    expect(read.content.indicators.map((i) => i.value)).to.include('payroll-check.example');
    // Internal fields never reach the bureau.
    expect(read.content).not.to.have.property('relatedIncidents');
    expect(read.content).not.to.have.property('namedRecipients');

    for (const id of [toThem, toList, '0123456789abcdef01234567', 'not-an-id']) {
      let refused: unknown;
      try {
        await service().get(reporter, id);
      } catch (err) {
        refused = err;
      }
      expect(refused, id).to.be.instanceOf(NotFoundError);
    }
  });

  it('when a later revision goes only to another bureau, then our bureau still reads the revision it was sent', async () => {
    const id = await sendAdvisory(
      runtime,
      cert,
      [`bureau:${ours}`],
      advisoryContent({ title: 'First version for us' }),
    );
    await reviseAndSend(runtime, cert, id, 1, { title: 'Second version for them' }, [`bureau:${theirs}`]);

    const read = await service().get(reporter, id);
    expect(read.revision).to.equal(1);
    expect(read.revisionsSent).to.deep.equal([1]);
    expect(read.content.title).to.equal('First version for us');

    const other = (await createActor(runtime, { role: 'reporter', bureauId: theirs })).actor;
    const theirRead = await service().get(other, id);
    expect(theirRead.revision).to.equal(2);
    expect(theirRead.content.title).to.equal('Second version for them');
  });

  it('when an actor has no bureau, then nothing is listed and every advisory is a 404', async () => {
    const id = await sendAdvisory(runtime, cert, [`bureau:${ours}`]);
    const noBureau: Actor = { ...reporter, bureauId: null };
    expect(await service().list(noBureau)).to.deep.equal([]);
    let refused: unknown;
    try {
      await service().get(noBureau, id);
    } catch (err) {
      refused = err;
    }
    expect(refused).to.be.instanceOf(NotFoundError);
  });
});
