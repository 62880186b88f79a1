import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isolatedUrls, testDataRoot } from '../../helpers/services.js';
import { draftFor, openAudit } from './audit-fixture.js';

const signingKey = generateKeyPairSync('ed25519')
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const child = fileURLToPath(new URL('./append-child.ts', import.meta.url));

function spawnChild(mode: string, uri: string, count: number, redisUrl = '', draftsFile = ''): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', child, mode, uri, String(count)], {
    env: { ...process.env, TEST_AUDIT_KEY: signingKey, TEST_REDIS_URL: redisUrl, TEST_DRAFTS: draftsFile },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

async function exited(process: ChildProcess): Promise<number | null> {
  if (process.exitCode !== null || process.signalCode !== null) return process.exitCode;
  const [code] = (await once(process, 'exit')) as [number | null];
  return code;
}

describe('audit chain across processes', function () {
  this.timeout(120_000);

  for (const lease of [false, true]) {
    it(`when four processes append concurrently${lease ? ' through the Redis lease' : ''}, then there is one gapless verifying chain`, async () => {
      const { mongodbUri, redisUrl } = isolatedUrls('auditprocs');
      const children = Array.from({ length: 4 }, () =>
        spawnChild('append', mongodbUri, 60, lease ? redisUrl : ''),
      );
      const codes = await Promise.all(children.map(exited));
      expect(codes).to.deep.equal([0, 0, 0, 0]);
      const { module, close } = await openAudit(mongodbUri, { AUDIT_SIGNING_KEY: signingKey });
      try {
        const report = await module.audit.verify();
        expect(report).to.deep.include({ ok: true, eventsChecked: 4 * 60 });
        expect(report.head.seq).to.equal(4 * 60);
      } finally {
        await close();
      }
    });
  }

  for (const lease of [false, true]) {
    it(`when four processes append overlapping batches of the same drafts${lease ? ' through the Redis lease' : ''}, then each draft is chained exactly once in a verifying chain`, async () => {
      const { mongodbUri, redisUrl } = isolatedUrls('auditoverlap');
      const dir = mkdtempSync(join(testDataRoot(), 'govcert-overlap-'));
      const draftsFile = join(dir, 'drafts.json');
      const drafts = Array.from({ length: 400 }, (_, index) => draftFor(`inc-${index % 9}`));
      writeFileSync(draftsFile, JSON.stringify(drafts));
      try {
        const children = Array.from({ length: 4 }, () =>
          spawnChild('overlap', mongodbUri, 0, lease ? redisUrl : '', draftsFile),
        );
        expect(await Promise.all(children.map(exited))).to.deep.equal([0, 0, 0, 0]);
        const { module, close } = await openAudit(mongodbUri, { AUDIT_SIGNING_KEY: signingKey });
        try {
          const report = await module.audit.verify();
          expect(report).to.deep.include({ ok: true, eventsChecked: drafts.length });
          const ids: string[] = [];
          for (let after = 0; ;) {
            const page = await module.audit.list({ after, limit: 500 });
            ids.push(...page.events.map((event) => event.eventId));
            if (page.nextCursor === null) break;
            after = page.nextCursor;
          }
          expect(ids.sort()).to.deep.equal(drafts.map((draft) => draft.eventId).sort());
        } finally {
          await close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('when a process is SIGKILLed after writing pending drafts, then a running process chains them', async () => {
    const { mongodbUri } = isolatedUrls('auditcrash');
    const victim = spawnChild('crash', mongodbUri, 1);
    const [chunk] = (await once(victim.stdout!, 'data')) as [Buffer];
    expect(chunk.toString()).to.contain('written');
    victim.kill('SIGKILL');
    await exited(victim);

    const { module, db, close } = await openAudit(mongodbUri, { AUDIT_SIGNING_KEY: signingKey });
    try {
      module.relay.register('crash_things');
      module.relay.start(); // the periodic sweep, as in any running process
      let timeline = await module.audit.forSubject('incident', 'crash-subject');
      for (let tries = 0; timeline.length === 0 && tries < 300; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        timeline = await module.audit.forSubject('incident', 'crash-subject');
      }
      expect(timeline.map((event) => event.action)).to.deep.equal(['crash.changed']);
      // The pull of chained drafts is held a moment (OutboxPulls), so the outbox empties just after.
      const outbox = async () =>
        (await db.db!.collection('crash_things').findOne({ _id: 'crashed' as never }))
          ?.pendingAudit as unknown;
      let pending = await outbox();
      for (let tries = 0; Array.isArray(pending) && pending.length > 0 && tries < 50; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        pending = await outbox();
      }
      expect(pending).to.deep.equal([]);
      expect((await module.audit.verify()).ok).to.equal(true);
    } finally {
      await close();
    }
  });
});
