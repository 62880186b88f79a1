import { expect } from 'chai';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../../src/platform/index.js';
import { QueueRegistry, createRedis } from '../../../src/platform/queue/index.js';
import { isolatedUrls } from '../../helpers/services.js';
import { spawnWorkerProcess } from '../../helpers/processes.js';

describe('worker process shutdown', function () {
  this.timeout(90_000);

  it('drains a job that is running when SIGTERM arrives, and exits cleanly', async () => {
    const urls = isolatedUrls('drain');
    const redis = createRedis(urls.redisUrl, 'producer', createLogger('silent'));
    const queues = new QueueRegistry(redis, urls.prefix);
    try {
      await queues.add('echo', { value: 'slow', sleepMs: 3000 }, { jobId: 'drain-1' });
      const child = spawnWorkerProcess({
        MONGODB_URI: urls.mongodbUri,
        REDIS_URL: urls.redisUrl,
        REDIS_PREFIX: urls.prefix,
      });
      const exited = once(child, 'exit');
      const job = await queues.queue('echo').getJob('drain-1');
      let state = await job!.getState();
      for (let i = 0; i < 200 && state !== 'active'; i += 1) {
        await sleep(100);
        state = await job!.getState();
      }
      expect(state, 'the worker picked the job up').to.equal('active');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).to.equal(0);
      const finished = await queues.queue('echo').getJob('drain-1');
      expect(await finished!.getState()).to.equal('completed');
      expect(finished!.returnvalue).to.deep.include({ echoed: 'slow' });
    } finally {
      await queues.close();
      redis.disconnect();
    }
  });
});
