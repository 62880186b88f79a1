import { expect } from 'chai';
import type { mongo } from 'mongoose';
import { createRecipientLists, type RecipientListService } from '../../../src/notifications/index.js';
import { connectMongo, type Connection } from '../../../src/platform/db/index.js';
import { createLogger, systemActor } from '../../../src/platform/index.js';
import { isolatedUrls } from '../../helpers/services.js';

/** Reads of the recipient lists, counted per connection (a process each). */
class ListReads {
  count = 0;
  readonly onCommand = (event: mongo.CommandStartedEvent): void => {
    const target = (event.command as Record<string, unknown>)[event.commandName];
    if (event.commandName === 'find' && target === 'recipient_lists') this.count++;
  };
}

describe('Recipient lists as the notifications route to them', () => {
  const logger = createLogger('silent');
  const admin = systemActor('test-admin');
  // No route in these tests names a bureau: the contacts are never asked for.
  const noBureaux = { getBureau: () => Promise.resolve(null) };
  const reads = new ListReads();
  const otherReads = new ListReads();
  let first: Connection;
  let second: Connection;
  let here: RecipientListService;
  let elsewhere: RecipientListService;

  before(async () => {
    const { mongodbUri } = isolatedUrls('list-routing');
    [first, second] = await Promise.all([
      connectMongo(mongodbUri, logger, { onCommand: reads.onCommand }),
      connectMongo(mongodbUri, logger, { onCommand: otherReads.onCommand }),
    ]);
    const one = createRecipientLists(first, noBureaux);
    await one.init();
    here = one.lists;
    elsewhere = createRecipientLists(second, noBureaux).lists;
  });
  after(async () => {
    await Promise.all([first.close(), second.close()]);
  });

  const members = (...names: string[]) => names.map((name) => ({ name, address: `${name}@partner.example` }));
  const put = (lists: RecipientListService, ...names: string[]) =>
    lists.upsert(admin, 'partners', {
      name: 'Partners',
      organisation: 'Partner',
      circle: 'partner',
      members: members(...names),
    });
  const routed = async (lists: RecipientListService, recent: boolean) =>
    (await lists.resolve(['partners'], { recent })).recipients.map((r) => r.address);

  it('when routing resolves a list again, then the store is read once; a change made in the same process is used at once', async () => {
    await put(here, 'ann');
    reads.count = 0;
    expect(await routed(here, true)).to.deep.equal(['ann@partner.example']);
    expect(await routed(here, true)).to.deep.equal(['ann@partner.example']);
    expect(reads.count).to.equal(1);

    await put(here, 'bob');
    reads.count = 0;
    expect(await routed(here, true)).to.deep.equal(['bob@partner.example']);
    expect(reads.count).to.equal(1);

    await here.setDisabled(admin, 'partners', true);
    const { recipients, unresolved } = await here.resolve(['partners'], { recent: true });
    expect(recipients).to.deep.equal([]);
    expect(unresolved[0]?.reason).to.equal('recipient list "partners" is disabled');
    await here.setDisabled(admin, 'partners', false);
  });

  it('when routing names a list no one has created, then the store is read once; creating it in the same process is used at once', async () => {
    const missing = (lists: RecipientListService) => lists.resolve(['duty-desk'], { recent: true });
    reads.count = 0;
    for (const attempt of [1, 2]) {
      const { recipients, unresolved } = await missing(here);
      expect(recipients, `attempt ${attempt}`).to.deep.equal([]);
      expect(unresolved).to.deep.equal([{ route: 'duty-desk', reason: 'no recipient list "duty-desk"' }]);
    }
    expect(reads.count).to.equal(1);

    await here.upsert(admin, 'duty-desk', {
      name: 'Duty desk',
      organisation: 'GovCERT',
      circle: 'internal',
      members: [{ name: 'dee', address: 'dee@govcert.example' }],
    });
    reads.count = 0;
    expect((await missing(here)).recipients.map((r) => r.address)).to.deep.equal(['dee@govcert.example']);
    expect(reads.count).to.equal(1);
  });

  it('when another process changes a list, then a fresh resolution (an advisory send) uses the change at once', async () => {
    await put(here, 'bob');
    expect(await routed(here, true)).to.deep.equal(['bob@partner.example']);
    await put(elsewhere, 'cat');
    expect(await routed(here, false)).to.deep.equal(['cat@partner.example']);
    expect(await routed(elsewhere, true)).to.deep.equal(['cat@partner.example']);
  });
});
