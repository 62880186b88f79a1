import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NEW_PACK_FILE } from '../../../src/incidents/index.js';
import { ValidationError } from '../../../src/platform/errors.js';
import { reportBody, uniqueIndicator } from '../../factories/incident.factory.js';
import { createActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

/** The error `work` throws (fails when it throws nothing). */
function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (err) {
    return err;
  }
  return expect.fail('nothing was thrown');
}

describe('Policy review: the active policy, its tests, and a bounded simulation', function () {
  this.timeout(60_000);
  let runtime: TestRuntime;

  before(async () => {
    runtime = await startTestRuntime('polreview');
    const reporter = await createActor(runtime, { role: 'reporter' });
    for (let i = 0; i < 3; i++) {
      const created = await call(runtime.url, 'POST', '/api/v1/incidents', {
        key: reporter.key,
        body: reportBody({ personalDataInvolved: true, regimes: ['PCPD'], indicators: [uniqueIndicator()] }),
      });
      expect(created.status, created.text).to.equal(201);
    }
  });
  after(async () => {
    await runtime.stop();
  });

  const review = () => runtime.modules.intake.policyReview;
  /** The packs enabled now: a candidate names every pack it enables. */
  const onNow = () =>
    review()
      .summary()
      .packs.filter((p) => p.enabled)
      .map((p) => p.id);

  it('when the summary is read, then it names the active version, every pack and where it came from', () => {
    const summary = review().summary();
    expect(summary.version).to.equal(runtime.modules.intake.triage.activePolicy.version);
    expect(summary.packs.map((p) => p.id)).to.include.members(['hk-gov', 'pcpd-mandatory']);
    expect(summary.packs.find((p) => p.id === 'pcpd-mandatory')?.enabled).to.equal(false);
    expect(summary.rules).to.equal(summary.packs.reduce((sum, p) => sum + p.rules, 0));
    expect(summary.packs.find((p) => p.id === 'hk-gov')?.files.length).to.be.greaterThan(1);
  });

  it('when the test cases run, then every case is reported for the active version', async () => {
    const report = await review().runTests();
    expect(report.failed).to.equal(0);
    expect(report.passed).to.be.greaterThan(10);
    expect(report.policyVersion).to.equal(review().summary().version);
  });

  it('when a simulation is limited, then it reads no more than the limit and says older ones were left', async () => {
    const candidate = review().candidate({ enabled: [...onNow(), 'pcpd-mandatory'], file: null });
    const limited = await review().simulate(candidate, { limit: 2 });
    expect(limited.result.evaluated).to.equal(2);
    expect(limited.truncated).to.equal(true);
    expect(limited.outOfTime).to.equal(false);
    expect(limited.result.changed).to.have.length(2);
    expect(limited.enabledChanges).to.deep.equal({ on: ['pcpd-mandatory'], off: [] });

    const all = await review().simulate(candidate, { limit: 100 });
    expect(all.result.evaluated).to.equal(3);
    expect(all.truncated).to.equal(false);

    const late = await review().simulate(candidate, { limit: 100, budgetMs: -1 });
    expect(late.outOfTime).to.equal(true);
    expect(late.result.evaluated).to.equal(0);
  });

  it('when a candidate file is uploaded, then a valid one is loaded, an invalid or misplaced one is a 422 naming it', async () => {
    const pcpd = readFileSync(join('policies', 'packs', 'pcpd-mandatory', 'pack.yaml'), 'utf8');
    const enabled = [...onNow(), 'pcpd-mandatory'];
    // A new version of an installed pack's file: the candidate counts with it.
    const shorter = review().candidate({
      enabled,
      file: {
        path: 'packs/pcpd-mandatory/pack.yaml',
        content: pcpd.replace('duration: 5 business days', 'duration: 3 business days'),
      },
    });
    const clock = shorter.packs.find((p) => p.id === 'pcpd-mandatory')?.clocks[0];
    expect(clock?.duration).to.deep.equal({ businessDays: 3 });
    expect((await review().simulate(shorter, { limit: 100 })).result.changed).to.have.length(3);

    // A pack of its own (its own regime: one pack per regime) is tried enabled.
    const added = review().candidate({
      enabled: onNow(),
      file: {
        path: NEW_PACK_FILE,
        content: pcpd
          .replace('id: pcpd-mandatory', 'id: candidate')
          .replace('regime: PCPD', 'regime: PCPD-NEXT'),
      },
    });
    expect(added.packs.find((p) => p.id === 'candidate')?.enabled).to.equal(true);

    const invalid = thrown(() =>
      review().candidate({
        enabled: [],
        file: { path: 'packs/nis2/pack.yaml', content: 'pack: { id: nis2' },
      }),
    );
    expect(invalid).to.be.instanceOf(ValidationError);
    const problems = (invalid as ValidationError).problems;
    expect(problems[0]?.path).to.equal('content');
    expect(problems[0]?.message).to.contain('packs/nis2/pack.yaml');

    const elsewhere = thrown(() =>
      review().candidate({ enabled: [], file: { path: '../../etc/passwd', content: 'x: 1' } }),
    );
    expect((elsewhere as ValidationError).problems[0]?.path).to.equal('file');
  });
});
