import { expect } from 'chai';
import { IncidentRepository } from '../../../src/incidents/incident.repository.js';
import { connectMongo, GroupRead, mongoose, type Connection } from '../../../src/platform/db/index.js';
import { ALL_SCOPE, createLogger } from '../../../src/platform/index.js';
import { isolatedUrls } from '../../helpers/services.js';

describe('store: reads by id grouped (GroupRead), as CERT-wide incident reads use them', () => {
  let db: Connection;
  let repository: IncidentRepository;
  /** Reads of the incidents, and the filters they were sent with. */
  const reads: Array<Record<string, unknown>> = [];
  const ids: string[] = [];

  before(async () => {
    db = await connectMongo(isolatedUrls('group-read').mongodbUri, createLogger('silent'), {
      onCommand: (event) => {
        const command = event.command as Record<string, unknown>;
        if (event.commandName === 'find' && command.find === 'incidents') {
          reads.push(command.filter as Record<string, unknown>);
        }
      },
    });
    repository = new IncidentRepository(db);
    await repository.init();
    for (let i = 0; i < 20; i++) {
      const id = new mongoose.Types.ObjectId().toHexString();
      const bureauId = i % 2 === 0 ? 'EVEN' : 'ODD';
      await repository.insertNew(id, { bureauId, year: 2026 }, (seq) => ({
        seq,
        ref: `T-${bureauId}-2026-${seq}`,
        bureauId,
        status: 'reported',
      }));
      ids.push(id);
    }
  });

  after(async () => {
    await db.close();
  });

  it('when twenty reads of incidents by id run at once, then the first goes alone and the others share one read, each answered with its own incident', async () => {
    reads.length = 0;
    const missing = new mongoose.Types.ObjectId().toHexString();
    const found = await Promise.all([...ids, missing].map((id) => repository.findById(ALL_SCOPE, id)));
    expect(reads).to.have.length(2);
    expect(found.map((incident) => incident?.id ?? null)).to.deep.equal([...ids, null]);
  });

  it('when one incident is read twice at once, then both get it, each a copy of its own', async () => {
    const [one, two] = await Promise.all([
      repository.findById(ALL_SCOPE, ids[0] ?? ''),
      repository.findById(ALL_SCOPE, ids[0] ?? ''),
      repository.findById(ALL_SCOPE, ids[0] ?? ''),
    ]);
    expect(one?.id).to.equal(ids[0]);
    expect(two).to.deep.equal(one);
    expect(two).not.to.equal(one);
  });

  it("when a bureau's reads run at once, then each keeps the bureau in its own query, and another bureau's incident is not found", async () => {
    reads.length = 0;
    const scope = { kind: 'bureau', bureauId: 'EVEN' } as const;
    const found = await Promise.all(ids.slice(0, 4).map((id) => repository.findById(scope, id)));
    expect(found.map((incident) => incident?.bureauId ?? null)).to.deep.equal(['EVEN', null, 'EVEN', null]);
    expect(reads).to.have.length(4);
    for (const filter of reads) expect(filter.bureauId).to.equal('EVEN');
  });

  it('when one caller asks for several ids and another for some of them, then each gets its own in one read per wave, and more than 500 ids are read 500 at a time', async () => {
    const things = () => db.db!.collection<{ _id: string; n: number }>('group_read_things');
    await things().insertMany(Array.from({ length: 1200 }, (_, n) => ({ _id: `t${n}`, n })));
    const filters: unknown[] = [];
    const group = new GroupRead<number>(async (keys) => {
      filters.push(keys.length);
      const docs = await things()
        .find({ _id: { $in: [...keys] } })
        .toArray();
      return new Map(docs.map((doc) => [doc._id, doc.n]));
    });
    const [first, second, third] = await Promise.all([
      group.loadMany(['t1', 't2']),
      group.loadMany(['t2', 't3', 'none']),
      group.loadMany(['t3', 't4']),
    ]);
    expect([...first]).to.deep.equal([
      ['t1', 1],
      ['t2', 2],
    ]);
    expect([...second]).to.deep.equal([
      ['t2', 2],
      ['t3', 3],
    ]);
    expect([...third]).to.deep.equal([
      ['t3', 3],
      ['t4', 4],
    ]);
    // The first call alone (two ids), then the two that came while it ran, together (four ids).
    expect(filters).to.deep.equal([2, 4]);

    filters.length = 0;
    const all = await group.loadMany(Array.from({ length: 1200 }, (_, n) => `t${n}`));
    expect(all.size).to.equal(1200);
    expect(filters).to.deep.equal([500, 500, 200]);
  });
});
