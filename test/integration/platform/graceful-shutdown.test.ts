import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../../src/platform/index.js';
import { QueueRegistry, createRedis } from '../../../src/platform/queue/index.js';
import { startFerretDb } from '../../../src/platform/embedded/index.js';
import { isolatedUrls, testDataRoot } from '../../helpers/services.js';
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

  it('when the store stops answering, a SIGTERM still ends the process cleanly at the shutdown deadline', async () => {
    // Background passes (relay, reconcilers) waiting on a store that no longer answers would hold the
    // process for the driver's socket timeout: the stop closes under them at SHUTDOWN_TIMEOUT_MS.
    const dir = mkdtempSync(join(testDataRoot(), 'govcert-stuck-stop-'));
    const ferret = await startFerretDb(join(dir, 'ferretdb'));
    const urls = isolatedUrls('stuck-stop');
    const child = spawn(process.execPath, ['--import', 'tsx', 'workers/index.ts'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        MONGODB_URI: `${ferret.uri}stuckstop`,
        REDIS_URL: urls.redisUrl,
        REDIS_PREFIX: urls.prefix,
        SHUTDOWN_TIMEOUT_MS: '3000',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
    });
    const exited = once(child, 'exit');
    try {
      for (let i = 0; i < 600 && !output.includes('"msg":"started"'); i += 1) await sleep(100);
      expect(output, 'the worker process started').to.include('"msg":"started"');
      ferret.child.kill('SIGSTOP');
      // Every loop's next pass now waits on the stopped store (the relay runs every second).
      await sleep(2500);
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code, `the process log:\n${output.slice(-3000)}`).to.equal(0);
      expect(output).to.include('"msg":"stopped"');
      expect(output).not.to.include('shutdown did not finish in time');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      ferret.child.kill('SIGCONT');
      await ferret.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
