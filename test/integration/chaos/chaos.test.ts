import { expect } from 'chai';
import { cleanUp, runChaos, type ChaosResult } from '../../../bench/chaos/harness.js';
import { parseFaults } from '../../../bench/chaos/options.js';
import { testDataRoot } from '../../helpers/services.js';

// The short form of bench/chaos/run.ts: the whole system as separate processes (2 API, 2 workers) on
// its own redis-server (AOF) and FerretDB, a minute of reports with a SIGKILL of a worker and of an
// API process, a FerretDB restart and a Redis restart, then every invariant of the long run.
describe('chaos: processes and stores killed under load', function () {
  // Process starts, a minute of load, a drain and two verifications, on a shared 2-core machine.
  this.timeout(20 * 60_000);
  let result: ChaosResult | undefined;

  after(() => {
    if (result && cleanUp(result, false)) console.log(`chaos run kept for inspection: ${result.dir}`);
  });

  it('when API and worker processes, FerretDB and Redis are killed under load, then every check holds', async () => {
    const seconds = 60;
    // `true`: Ctrl-C kills the run's process groups too (they are not in the terminal's group).
    result = await runChaos(
      {
        seconds,
        rate: 3,
        // Every fourth report gets a follow-up: a record and an incident write, with a job between.
        followUpEvery: 4,
        apiProcesses: 2,
        workerProcesses: 2,
        faults: parseFaults(
          '8:worker-kill@0,18:api-kill@1,28:ferret-restart,42:redis-restart',
          seconds,
          2,
          2,
        ),
        drainSeconds: 600,
        retrySeconds: 240,
        shutdownTimeoutMs: 25_000,
        parentDir: testDataRoot(),
        keep: false,
        logLevel: 'info',
        say: () => undefined,
      },
      true,
    );
    const failed = result.checks.filter((check) => check.ok === false);
    expect(failed, result.summary).to.deep.equal([]);
  });
});
