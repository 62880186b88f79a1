import { expect } from 'chai';
import { createLogger } from '../../../src/platform/index.js';
import { connectMongo, type Connection } from '../../../src/platform/db/index.js';
import {
  MailDeliveryRepository,
  type NewDelivery,
} from '../../../src/notifications/mail-delivery.repository.js';
import { notificationModels } from '../../../src/notifications/notification.model.js';
import { isolatedUrls } from '../../helpers/services.js';

const row = (key: string): NewDelivery => ({
  key,
  kind: 'incident-received',
  subjectId: 'incident-1',
  revision: 1,
  recipient: `${key}@example.test`,
  recipientName: key,
  notificationId: 'n1',
  messageId: `<${key}@govcert.test>`,
});

/** The delivery ledger's rows: created once, whoever ensures them and however often (real store). */
describe('Mail delivery ledger rows', () => {
  let db: Connection;
  let inserts = 0;

  before(async () => {
    const { mongodbUri } = isolatedUrls('ledger');
    db = await connectMongo(mongodbUri, createLogger('silent'), {
      onCommand: (event) => {
        if (event.commandName === 'insert' && event.command.insert === 'mail_deliveries') inserts += 1;
      },
    });
    await new MailDeliveryRepository(notificationModels(db)).init();
  });
  after(async () => {
    await db.close();
  });

  it('when a delivery run ensures rows that exist, then nothing is inserted', async () => {
    const ledger = new MailDeliveryRepository(notificationModels(db));
    await ledger.ensure([row('a'), row('b')]);
    expect(inserts).to.equal(1); // both in one command
    await ledger.ensure([row('a'), row('b')]);
    expect(inserts).to.equal(1);
    expect((await ledger.find('a'))?.status).to.equal('queued');
  });

  it('when some exist, then only the missing ones go in, and two runs at once store each row once', async () => {
    const ledger = new MailDeliveryRepository(notificationModels(db));
    const other = new MailDeliveryRepository(notificationModels(db));
    await Promise.all([
      ledger.ensure([row('a'), row('c'), row('d')]),
      other.ensure([row('c'), row('d'), row('e')]),
    ]);
    const keys = (await ledger.listByKeys(['a', 'b', 'c', 'd', 'e'])).map((delivery) => delivery.key).sort();
    expect(keys).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
  });
});
