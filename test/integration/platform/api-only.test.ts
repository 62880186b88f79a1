import { expect } from 'chai';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

describe('a process that runs no workers', function () {
  this.timeout(60_000);
  let runtime: TestRuntime;

  before(async () => {
    runtime = await startTestRuntime('apionly', { RUN_WORKERS: 'false' });
  });
  after(() => runtime.stop());

  it('when it only serves requests, then it runs no relay, reconcilers or page keeper (the background role is on worker processes)', () => {
    const names = runtime.modules.background.map((loop) => loop.name);
    // Its writes reach the workers' relays through Redis (test/integration/audit/relay-hints.test.ts).
    expect(names).to.not.include('audit-relay');
    expect(names).to.not.include('audit-checkpoints');
    expect(names).to.not.include.members(['triage-reconciler']);
    expect(names).to.not.include('clock-reconciler');
    expect(names).to.not.include('trail-page-keeper');
  });
});
