import { expect } from 'chai';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

describe('a process that runs no workers', function () {
  this.timeout(60_000);
  let runtime: TestRuntime;

  before(async () => {
    runtime = await startTestRuntime('apionly', { RUN_WORKERS: 'false' });
  });
  after(() => runtime.stop());

  it('when it only serves requests, then it runs no reconcilers or page keeper (worker processes sweep)', () => {
    const names = runtime.modules.background.map((loop) => loop.name);
    // It relays what it writes itself (kicks, no sweeps); the hand-off of those writes to the workers'
    // relays (`handOff`, test/integration/audit/relay-hints.test.ts) is not the default yet.
    expect(names).to.include('audit-relay');
    expect(names).to.not.include.members(['triage-reconciler']);
    expect(names).to.not.include('clock-reconciler');
    expect(names).to.not.include('trail-page-keeper');
  });
});
