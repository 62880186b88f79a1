import { expect } from 'chai';
import { createLogger } from '../../../src/platform/index.js';
import { connectMongo, mongoose, type Connection } from '../../../src/platform/db/index.js';
import { IncidentRepository } from '../../../src/incidents/incident.repository.js';
import { isolatedUrls } from '../../helpers/services.js';

/** Two connections with a repository each: what two API processes filing reports at once look like. */
describe('Incident references across processes', () => {
  const logger = createLogger('silent');
  let first: Connection;
  let second: Connection;
  /** Sorted reads of the incidents (the highest number of a series), by either connection. */
  let sortedReads = 0;
  const countSorted = (event: { commandName: string; command: Record<string, unknown> }): void => {
    if (event.commandName === 'find' && event.command.find === 'incidents' && event.command.sort) {
      sortedReads += 1;
    }
  };

  before(async () => {
    const { mongodbUri } = isolatedUrls('sequence');
    const options = { onCommand: countSorted };
    [first, second] = await Promise.all([
      connectMongo(mongodbUri, logger, options),
      connectMongo(mongodbUri, logger, options),
    ]);
    await new IncidentRepository(first).init();
  });
  after(async () => {
    await Promise.all([first.close(), second.close()]);
  });

  const storedSeqs = async (): Promise<number[]> =>
    (
      await first
        .collection('incidents')
        .find({}, { projection: { seq: 1 } })
        .toArray()
    )
      .map((doc) => Number(doc.seq))
      .sort((x, y) => x - y);

  const file = (repository: IncidentRepository, id = new mongoose.Types.ObjectId().toHexString()) =>
    repository.insertNew(id, { bureauId: 'B', year: 2026 }, (seq) => ({
      seq,
      ref: `T-B-2026-${seq}`,
      bureauId: 'B',
    }));

  it('when two processes insert 40 incidents each at once, then the numbers are unique and gapless', async () => {
    const [a, b] = [new IncidentRepository(first), new IncidentRepository(second)];
    const results = await Promise.all([
      ...Array.from({ length: 40 }, () => file(a)),
      ...Array.from({ length: 40 }, () => file(b)),
    ]);
    expect(results.every((incident) => incident !== null)).to.equal(true);
    expect(await storedSeqs()).to.deep.equal(Array.from({ length: 80 }, (_, i) => i + 1));
  });

  it('when one id is inserted ten times at once, then it is stored once and the numbers stay gapless', async () => {
    const repository = new IncidentRepository(first);
    const id = new mongoose.Types.ObjectId().toHexString();
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => file(repository, id)),
      file(repository),
    ]);
    expect(results.filter((incident) => incident !== null)).to.have.length(2);
    expect(await storedSeqs()).to.deep.equal(Array.from({ length: 82 }, (_, i) => i + 1));
  });

  it('when two processes take turns, then each finds the next number without reading the highest again', async () => {
    sortedReads = 0;
    // Fresh repositories (restarted processes) start from the series' note, not from a sorted read.
    const [a, b] = [new IncidentRepository(first), new IncidentRepository(second)];
    // One report each, in turns: each clashes with the other's last number every time.
    await file(a);
    await file(b);
    for (let turn = 0; turn < 10; turn++) {
      expect(await file(turn % 2 === 0 ? a : b)).not.to.equal(null);
    }
    expect(await storedSeqs()).to.deep.equal(Array.from({ length: 94 }, (_, i) => i + 1));
    // Before, every clash read the highest number: a sorted query FerretDB answers by decoding every
    // incident of the series.
    expect(sortedReads).to.equal(0);
  });
});
