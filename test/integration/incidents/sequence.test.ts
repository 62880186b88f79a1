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
  /** Writes of the series' note (the highest number stored), by either connection. */
  let noteWrites = 0;
  const countSorted = (event: { commandName: string; command: Record<string, unknown> }): void => {
    if (event.commandName === 'find' && event.command.find === 'incidents' && event.command.sort) {
      sortedReads += 1;
    }
    if (event.commandName === 'update' && event.command.update === 'incident_series') noteWrites += 1;
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

  const noted = async (): Promise<number> =>
    Number((await first.collection('incident_series').findOne({ _id: 'B/2026' } as object))?.highest ?? 0);

  it('when numbers were stored but never noted (their process died first), then a new process probes past the note, reads the highest once and goes on without a gap', async () => {
    const before = await noted();
    const top = (await storedSeqs()).at(-1) ?? 0;
    // Twelve numbers past the note, as a process that crashed before noting them leaves them: more
    // than the probes try, so probing from the note alone would never find a free number.
    await first.collection('incidents').insertMany(
      Array.from({ length: 12 }, (_, i) => ({
        _id: new mongoose.Types.ObjectId(),
        seq: top + 1 + i,
        ref: `T-B-2026-${top + 1 + i}`,
        bureauId: 'B',
        series: 'B/2026',
        year: 2026,
      })),
    );
    expect(before).to.be.below(top + 1);
    sortedReads = 0;
    expect(await file(new IncidentRepository(second))).not.to.equal(null);
    expect(await storedSeqs()).to.deep.equal(Array.from({ length: top + 13 }, (_, i) => i + 1));
    expect(sortedReads).to.equal(1);
    // The highest read is noted again, so the next new process starts from it.
    for (let waited = 0; (await noted()) < top + 12 && waited < 100; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await noted()).to.be.at.least(top + 12);
  });

  it('when one process files eight reports one at a time, then the series note is written twice (at each fourth number)', async () => {
    const repository = new IncidentRepository(first);
    const top = (await storedSeqs()).at(-1) ?? 0;
    // Numbers top+1 … top+8 hold exactly two multiples of four.
    const marks = Array.from({ length: 8 }, (_, i) => top + 1 + i).filter((seq) => seq % 4 === 0);
    expect(marks).to.have.length(2);
    noteWrites = 0;
    for (let i = 0; i < 8; i++) expect(await file(repository)).not.to.equal(null);
    for (let waited = 0; (await noted()) < (marks.at(-1) ?? 0) && waited < 100; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(noteWrites).to.equal(2);
    expect(await noted()).to.equal(marks.at(-1));
    expect(await storedSeqs()).to.deep.equal(Array.from({ length: top + 8 }, (_, i) => i + 1));
  });
});
