import { expect } from 'chai';
import { connect, type Socket } from 'node:net';
import { createLogger, Periodic, RequestPressure } from '../../../src/platform/index.js';
import { startRuntime } from '../../../src/runtime.js';
import { startTestRuntime, testConfig, type TestRuntime } from '../../helpers/runtime.js';
import { waitFor } from '../../helpers/wait.js';

/** A request whose body never finishes arriving: it stays in flight until its socket is destroyed. */
async function openRequest(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve).once('error', reject);
  });
  socket.write(
    `POST /api/v1/incidents HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n` +
      'Content-Length: 1000\r\n\r\n{"title":',
  );
  return socket;
}

describe('intake first: jobs and background passes wait while the API is flooded', function () {
  this.timeout(60_000);
  let runtime: TestRuntime;
  let pressure: RequestPressure;

  before(async () => {
    // A job waits a minute at most here: what lets it start in these tests is the requests easing.
    runtime = await startTestRuntime('pressure', {
      WORKERS_YIELD_AT_REQUESTS: '4',
      WORKERS_YIELD_MAX_MS: '60000',
    });
    const shared = runtime.platform.pressure;
    if (!shared) throw new Error('a process that serves the API and runs workers has request pressure');
    pressure = shared;
  });
  after(async () => {
    await runtime.stop();
  });

  it('when requests arrive, then each counts until its connection closes', async () => {
    const sockets = await Promise.all([1, 2, 3].map(() => openRequest(runtime.url)));
    expect(
      await waitFor(
        () => Promise.resolve(pressure.requests),
        (n) => n === 3,
      ),
    ).to.equal(3);
    for (const socket of sockets) socket.destroy();
    expect(
      await waitFor(
        () => Promise.resolve(pressure.requests),
        (n) => n === 0,
      ),
    ).to.equal(0);
  });

  it('when as many requests as the threshold are in flight, then a job waits before it starts, and runs once they end', async () => {
    const sockets = await Promise.all([1, 2, 3, 4].map(() => openRequest(runtime.url)));
    expect(
      await waitFor(
        () => Promise.resolve(pressure.requests),
        (n) => n === 4,
      ),
    ).to.equal(4);
    const { queues } = runtime.platform;
    await queues.add('echo', { value: 'after the flood', sleepMs: 0 }, { jobId: 'pressure-echo-1' });
    expect(
      await waitFor(
        () => Promise.resolve(pressure.jobsWaiting),
        (n) => n >= 1,
      ),
    ).to.be.at.least(1);
    const job = await queues.queue('echo').getJob('pressure-echo-1');
    expect(await job?.getState()).to.equal('active');
    expect(job?.returnvalue ?? null).to.equal(null);
    for (const socket of sockets) socket.destroy();
    const finished = await waitFor(
      () => queues.queue('echo').getJob('pressure-echo-1'),
      (found) => found?.returnvalue !== undefined && found.returnvalue !== null,
    );
    expect((finished?.returnvalue as { echoed: string }).echoed).to.equal('after the flood');
    expect(pressure.jobsWaiting).to.equal(0);
  });

  it('when the requests stay high past the longest wait, then the job starts anyway', async () => {
    const bounded = new RequestPressure(1, 50);
    const release = bounded.enter();
    await bounded.eased(); // resolves although the request is still running
    expect(bounded.requests).to.equal(1);
    expect(bounded.jobsWaiting).to.equal(0);
    release();
    release(); // a second release changes nothing
    expect(bounded.requests).to.equal(0);
  });

  it('when a background loop is due while the requests are high, then its pass starts only once they ease', async () => {
    const local = new RequestPressure(2, 60_000, 10);
    const releases = [local.enter(), local.enter()];
    let passes = 0;
    const loop = new Periodic(
      'pressure-test-loop',
      60_000,
      () => {
        passes += 1;
        return Promise.resolve();
      },
      createLogger('silent'),
      { pressure: local },
    );
    loop.start();
    try {
      expect(
        await waitFor(
          () => Promise.resolve(local.jobsWaiting),
          (n) => n === 1,
        ),
      ).to.equal(1);
      expect(passes).to.equal(0);
      for (const release of releases) release();
      expect(
        await waitFor(
          () => Promise.resolve(passes),
          (n) => n === 1,
        ),
      ).to.equal(1);
    } finally {
      await loop.stop();
    }
  });

  it('when a process runs only workers, or only the API, then nothing waits for requests', async () => {
    for (const role of [{ RUN_API: 'false' }, { RUN_WORKERS: 'false' }] as Array<Record<string, string>>) {
      const { config, urls } = testConfig('pressure-role', role);
      const single = await startRuntime(config, createLogger('silent'), urls);
      try {
        expect(single.platform.pressure ?? null).to.equal(null);
      } finally {
        await single.stop();
      }
    }
  });
});
