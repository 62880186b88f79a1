import { expect } from 'chai';
import type { mongo } from 'mongoose';
import { createLogger } from '../../../src/platform/index.js';
import { startRuntime, type Runtime } from '../../../src/runtime.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { LogCapture, testConfig, type TestRuntime } from '../../helpers/runtime.js';
import { reportAndTriage } from '../workflow/workflow-fixture.js';

/** Reads of the decision records, counted per process. */
class RecordReads {
  count = 0;
  readonly onCommand = (event: mongo.CommandStartedEvent): void => {
    const target = (event.command as Record<string, unknown>)[event.commandName];
    if (event.commandName === 'find' && target === 'triage_decisions') this.count++;
  };
}

describe('Decision records this process stored, kept at hand', function () {
  this.timeout(60_000);
  let runtime: TestRuntime;
  let other: Runtime;
  const reads = new RecordReads();
  const otherReads = new RecordReads();
  let reporter: TestActor;
  let responder: TestActor;

  before(async () => {
    const { config, urls } = testConfig('records-at-hand');
    const started = await startRuntime(config, createLogger('warn', new LogCapture()), {
      ...urls,
      db: { onCommand: reads.onCommand },
    });
    runtime = Object.assign(started, { url: started.url ?? '', logs: new LogCapture() });
    other = await startRuntime({ ...config, RUN_WORKERS: false }, createLogger('warn', new LogCapture()), {
      ...urls,
      db: { onCommand: otherReads.onCommand },
    });
    reporter = await createActor(runtime, { role: 'reporter' });
    responder = await createActor(runtime, { role: 'responder' });
  });

  after(async () => {
    await other.stop();
    await runtime.stop();
  });

  it('when this process triaged a report, then its record is read from memory here, from the store elsewhere, and again from the store once a migration changed it', async () => {
    const triaged = await reportAndTriage(runtime.url, reporter, responder, {}, false);
    const stored = await runtime.platform.db.db
      ?.collection<{ _id: string }>('triage_decisions')
      .findOne({ incidentId: triaged.id });
    const decisionId = stored?._id ?? '';
    expect(decisionId).to.not.equal('');

    const before = reads.count;
    const here = await runtime.modules.intake.decisions.byIds([decisionId]);
    expect(reads.count - before, 'reads in the process that stored it').to.equal(0);

    const otherBefore = otherReads.count;
    const there = await other.modules.intake.decisions.byIds([decisionId]);
    expect(otherReads.count - otherBefore, 'reads in another process').to.equal(1);
    // The same record either way (dates and all).
    expect(here.get(decisionId)).to.deep.equal(there.get(decisionId));

    // A copy: changing what was handed out changes nothing held.
    here.get(decisionId)?.reasons.splice(0);
    const again = await runtime.modules.intake.decisions.byIds([decisionId]);
    expect(again.get(decisionId)?.reasons).to.deep.equal(there.get(decisionId)?.reasons);

    expect(await runtime.modules.intake.decisions.addOwed(decisionId, [])).to.equal(true);
    const afterMigration = reads.count;
    await runtime.modules.intake.decisions.byIds([decisionId]);
    expect(reads.count - afterMigration, 'reads after a migration changed it').to.equal(1);
  });
});
