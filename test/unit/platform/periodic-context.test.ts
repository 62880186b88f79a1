import { expect } from 'chai';
import { Writable } from 'node:stream';
import { currentContext, runWithContext } from '../../../src/platform/context.js';
import { createLogger } from '../../../src/platform/index.js';
import { Periodic, pauseAfterPass } from '../../../src/platform/periodic.js';

/** A logger whose JSON lines are kept in `lines`. */
function capturingLogger(): {
  logger: ReturnType<typeof createLogger>;
  lines: Array<Record<string, unknown>>;
} {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

describe('background loops and the request context', () => {
  it('when two jobs wake a background loop, then their log lines carry their own ids and the loop its own', async () => {
    const { logger, lines } = capturingLogger();
    let passes = 0;
    let wokenPass: (() => void) | undefined;
    const loop = new Periodic(
      'sweeper',
      60_000,
      () => {
        passes += 1;
        logger.info({ pass: passes }, 'swept');
        wokenPass?.();
        return Promise.resolve();
      },
      logger,
    );
    const passed = (): Promise<void> =>
      new Promise((resolve) => {
        wokenPass = resolve;
      });
    let next = passed();
    loop.start();
    await next;
    for (const jobId of ['job-a', 'job-b']) {
      next = passed();
      await runWithContext({ requestId: `job-${jobId}`, jobId }, async () => {
        logger.info('job work');
        loop.wake();
        expect(currentContext()?.jobId).to.equal(jobId);
        await next;
      });
    }
    await loop.stop();

    const jobLines = lines.filter((line) => line.msg === 'job work');
    expect(jobLines.map((line) => line.jobId)).to.deep.equal(['job-a', 'job-b']);
    const loopLines = lines.filter((line) => line.msg === 'swept');
    expect(loopLines).to.have.length(3);
    expect(loopLines.map((line) => line.jobId)).to.deep.equal([undefined, undefined, undefined]);
    const ids = loopLines.map((line) => line.requestId as string);
    expect(new Set(ids).size).to.equal(3);
    for (const id of ids) expect(id).to.match(/^sweeper-\d+$/);
  });
});

describe('how long a background loop pauses', () => {
  const loop = { intervalMs: 2000, dutyCycle: 0.1, maxPauseMs: 300_000 };

  it('when a pass was slow because of its work, then the pause stretches to keep the loop at its duty cycle', () => {
    expect(pauseAfterPass({ succeeded: true, costMs: 1000 }, loop)).to.equal(9000);
    expect(pauseAfterPass({ succeeded: true, costMs: 10 }, loop)).to.equal(2000);
  });

  it('when a pass failed after waiting for a store that was away, then the next one comes after the plain interval', () => {
    expect(pauseAfterPass({ succeeded: false, costMs: 60_000 }, loop)).to.equal(2000);
  });

  it('when a pass took minutes, then the pause still stops at its ceiling', () => {
    expect(pauseAfterPass({ succeeded: true, costMs: 300_000 }, loop)).to.equal(300_000);
  });
});

describe('a background loop that finds nothing', () => {
  it('when passes in a row find nothing, then each doubles the pause up to its ceiling, and a pass that finds something brings the interval back', async () => {
    const results = [0, 0, 0, 0, 7, 0];
    const pauses: number[] = [];
    let loop: Periodic | undefined;
    const done = new Promise<void>((resolve) => {
      let pass = 0;
      loop = new Periodic(
        'sweeper',
        50,
        () => {
          // The pause chosen after the previous pass, read as the next one starts.
          if (pass > 0) pauses.push(loop?.lastPauseMs ?? -1);
          if (pass === results.length) resolve();
          const result = pass < results.length ? results[pass] : 1;
          pass += 1;
          return Promise.resolve(result);
        },
        createLogger('silent'),
        // A high duty cycle, so that a pass's own cost never stretches the pause here.
        { idleBackoff: 8, dutyCycle: 0.9 },
      );
    });
    loop?.start();
    await done;
    await loop?.stop();
    expect(pauses).to.deep.equal([100, 200, 400, 400, 50, 100]);
  });
});
