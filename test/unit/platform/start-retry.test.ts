import { expect } from 'chai';
import { mongoose, retryWhileDatabaseAway } from '../../../src/platform/db/index.js';
import { createLogger } from '../../../src/platform/index.js';

const logger = createLogger('silent');

describe('a start step while the database is away', () => {
  it('when the database closes the connection twice, then the step runs again until it succeeds', async () => {
    let runs = 0;
    await retryWhileDatabaseAway(() => {
      runs += 1;
      if (runs < 3) return Promise.reject(new mongoose.mongo.MongoNetworkError('connection 9 closed'));
      return Promise.resolve();
    }, logger);
    expect(runs).to.equal(3);
  });

  it('when the step fails for another reason, then it is not repeated', async () => {
    let runs = 0;
    const failing = retryWhileDatabaseAway(() => {
      runs += 1;
      return Promise.reject(new Error('index options conflict'));
    }, logger);
    await failing.then(
      () => expect.fail('should have failed'),
      (err: unknown) => expect((err as Error).message).to.equal('index options conflict'),
    );
    expect(runs).to.equal(1);
  });

  it('when the database stays away past the patience, then the last error surfaces', async () => {
    let runs = 0;
    const failing = retryWhileDatabaseAway(
      () => {
        runs += 1;
        return Promise.reject(new mongoose.mongo.MongoNetworkError('refused'));
      },
      logger,
      0,
    );
    await failing.then(
      () => expect.fail('should have failed'),
      (err: unknown) => expect(err).to.be.instanceOf(mongoose.mongo.MongoNetworkError),
    );
    expect(runs).to.equal(1);
  });
});
