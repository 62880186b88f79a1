import { expect } from 'chai';
import { QueueEvents } from 'bullmq';
import { createLogger } from '../../../src/platform/index.js';
import { createRedis } from '../../../src/platform/queue/index.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

describe('BullMQ platform', () => {
  let runtime: TestRuntime;

  before(async () => {
    runtime = await startTestRuntime('queue');
  });

  after(async () => {
    await runtime.stop();
  });

  it('round-trips a job through a worker', async () => {
    const { queues, config } = runtime.platform;
    const connection = createRedis(
      runtime.platform.redis.options.host
        ? `redis://${runtime.platform.redis.options.host}:${runtime.platform.redis.options.port}`
        : '',
      'worker',
      createLogger('silent'),
    );
    const events = new QueueEvents('echo', { connection, prefix: config.REDIS_PREFIX });
    try {
      await events.waitUntilReady();
      await queues.add('echo', { value: 'ping', sleepMs: 0 }, { jobId: 'round-trip-1' });
      const job = await queues.queue('echo').getJob('round-trip-1');
      expect(job).to.not.equal(undefined);
      const result = (await job!.waitUntilFinished(events)) as { echoed: string };
      expect(result.echoed).to.equal('ping');
    } finally {
      await events.close();
      connection.disconnect();
    }
  });

  it('refuses a payload that does not match its schema before it reaches Redis', async () => {
    const { queues } = runtime.platform;
    let caught: unknown;
    try {
      await queues.add('echo', { value: 'x'.repeat(500), sleepMs: 0 }, { jobId: 'too-long' });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(Error);
    expect(await queues.queue('echo').getJob('too-long')).to.equal(undefined);
  });

  it('adds a job with the same id only once', async () => {
    const { queues } = runtime.platform;
    await queues.queue('echo').pause();
    await queues.add('echo', { value: 'a', sleepMs: 0 }, { jobId: 'same-id' });
    await queues.add('echo', { value: 'b', sleepMs: 0 }, { jobId: 'same-id' });
    const counts = await queues.queue('echo').getJobCounts('waiting', 'paused');
    expect(counts.waiting + counts.paused).to.equal(1);
    await queues.queue('echo').resume();
  });

  it('reports queue depths on /metrics', async () => {
    await fetch(`${runtime.url}/healthz`);
    const response = await fetch(`${runtime.url}/metrics`);
    const text = await response.text();
    expect(text).to.match(/queue_jobs\{queue="echo",state="waiting"\}/);
    expect(text).to.match(/http_request_duration_seconds_bucket\{.*route="\/healthz"/);
  });
});
