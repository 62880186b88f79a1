import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger, Periodic, SharedTurn } from '../../../src/platform/index.js';
import { createRedis } from '../../../src/platform/queue/index.js';
import { isolatedUrls } from '../../helpers/services.js';

/** One pass per interval among the processes running a background loop, on a real Redis. */
describe('Shared turns of background loops', () => {
  const logger = createLogger('silent');
  let redis: ReturnType<typeof createRedis>;
  let other: ReturnType<typeof createRedis>;

  const ready = (connection: ReturnType<typeof createRedis>) =>
    connection.status === 'ready'
      ? Promise.resolve()
      : new Promise((resolve) => connection.once('ready', resolve));

  before(async () => {
    const { redisUrl } = isolatedUrls('turns');
    redis = createRedis(redisUrl, 'producer', logger);
    other = createRedis(redisUrl, 'producer', logger);
    // Commands are not queued before the connection is up (a turn is then taken, failing open).
    await Promise.all([ready(redis), ready(other)]);
  });
  after(() => {
    redis.disconnect();
    other.disconnect();
  });

  it('when one process took the turn, then another does not get it until it runs out', async () => {
    const key = `turns:${Date.now()}:a`;
    const mine = new SharedTurn(redis, key);
    const theirs = new SharedTurn(other, key);
    expect(await mine.take(150)).to.equal(true);
    expect(await theirs.take(150)).to.equal(false);
    let taken = false;
    for (let i = 0; i < 50 && !taken; i++) {
      await sleep(20);
      taken = await theirs.take(60_000);
    }
    expect(taken).to.equal(true);
    expect(await mine.take(150)).to.equal(false);
    expect(await theirs.take(150)).to.equal(true); // its own turn, taken again
  });

  it('when two loops share a turn, then one of them passes per interval and a wake still passes at once', async () => {
    const key = `turns:${Date.now()}:b`;
    const passes = { a: 0, b: 0 };
    const loops = (['a', 'b'] as const).map(
      (name) =>
        new Periodic(
          `test-${name}`,
          60_000,
          () => {
            passes[name] += 1;
            return Promise.resolve();
          },
          logger,
          { turn: new SharedTurn(name === 'a' ? redis : other, key) },
        ),
    );
    for (const loop of loops) loop.start();
    for (let i = 0; i < 50 && passes.a + passes.b === 0; i++) await sleep(20);
    await sleep(200); // the other loop's attempt at its first pass has come and gone
    expect(passes.a + passes.b).to.equal(1);
    // Work known to be waiting: the woken loop passes whoever holds the turn.
    const idle = passes.a === 1 ? 'b' : 'a';
    loops[idle === 'a' ? 0 : 1].wake();
    for (let i = 0; i < 50 && passes[idle] === 0; i++) await sleep(20);
    expect(passes[idle]).to.equal(1);
    await Promise.all(loops.map((loop) => loop.stop()));
  });
});
