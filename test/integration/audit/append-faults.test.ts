import { expect } from 'chai';
import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditDraft } from '../../../src/audit/index.js';
import { connectMongo } from '../../../src/platform/db/index.js';
import { startFerretDb } from '../../../src/platform/embedded/index.js';
import { createLogger } from '../../../src/platform/index.js';
import { isolatedUrls, testDataRoot } from '../../helpers/services.js';
import { LogCapture } from '../../helpers/runtime.js';
import { waitFor } from '../../helpers/wait.js';
import { draftFor, openAudit } from './audit-fixture.js';

const signingKey = generateKeyPairSync('ed25519')
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const env = { AUDIT_SIGNING_KEY: signingKey };

/** Every eventId the chain holds, in seq order, read through an audit module's own listing. */
async function chainedIds(module: Awaited<ReturnType<typeof openAudit>>['module']): Promise<string[]> {
  const ids: string[] = [];
  for (let after = 0; ;) {
    const page = await module.audit.list({ after, limit: 500 });
    ids.push(...page.events.map((event) => event.eventId));
    if (page.nextCursor === null) return ids;
    after = page.nextCursor;
  }
}

describe('audit append path under duplicates, several appenders and a stuck store', function () {
  this.timeout(180_000);

  it("when this store's ordered insert meets a duplicate, then only the documents before it land (as on MongoDB)", async () => {
    // Stock FerretDB v1 went on with its next chunk of 100 (stored 0-4 and 100-249 here); our build's
    // patch stops it, and the audit repository probes it at start before sending runs of events.
    const db = await connectMongo(isolatedUrls('insertprobe').mongodbUri, createLogger('silent'));
    try {
      const collection = db.db!.collection<{ _id: number }>('probe');
      await collection.insertOne({ _id: 5 });
      const docs = Array.from({ length: 250 }, (_, index) => ({ _id: index }));
      const refusal = await collection.insertMany(docs, { ordered: true }).then(
        () => null,
        (err: unknown) => err as { insertedCount?: number },
      );
      expect(refusal?.insertedCount).to.equal(5);
      const stored = (await collection.find({}).toArray()).map((doc) => doc._id).sort((a, b) => a - b);
      expect(stored).to.deep.equal([0, 1, 2, 3, 4, 5]);
    } finally {
      await db.close();
    }
  });

  it('when 450 new drafts are appended, then they go in a few runs, not one insert each, and verify', async () => {
    let inserts = 0;
    const audit = await openAudit(isolatedUrls('runs').mongodbUri, env, undefined, {
      onCommand: (event) => {
        if (event.commandName === 'insert' && event.command.insert === 'audit_events') inserts += 1;
      },
    });
    try {
      const drafts = Array.from({ length: 450 }, (_, index) => draftFor(`inc-${index % 11}`));
      expect(await audit.module.audit.recordMany(drafts)).to.have.length(450);
      expect(inserts).to.equal(3); // runs of 200, 200 and 50
      expect(await audit.module.audit.verify()).to.deep.include({ ok: true, eventsChecked: 450 });
    } finally {
      await audit.close();
    }
  });

  it('when a batch of 250 re-sends a draft chained by another process, then the chain has no gap and every draft once', async () => {
    const { mongodbUri } = isolatedUrls('middup');
    const first = await openAudit(mongodbUri, env);
    const second = await openAudit(mongodbUri, env); // its own connection and appender: another process
    try {
      const drafts = Array.from({ length: 250 }, (_, index) => draftFor(`inc-${index % 7}`));
      await first.module.audit.recordMany([drafts[5], drafts[130]]);
      const written = await second.module.audit.recordMany(drafts);
      expect(written).to.have.length(248);
      const report = await second.module.audit.verify();
      expect(report).to.deep.include({ ok: true, eventsChecked: 250 });
      const ids = await chainedIds(second.module);
      expect(new Set(ids).size).to.equal(ids.length);
      expect([...ids].sort()).to.deep.equal(drafts.map((draft) => draft.eventId).sort());
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('when independent appenders send overlapping batches of new and already chained drafts, then one verifying chain holds each draft exactly once (property)', async () => {
    const { redisUrl } = isolatedUrls('appendprop');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 4 }),
        fc.boolean(),
        fc.array(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 120 }), fc.nat(140)), { minLength: 1, maxLength: 4 }),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
        async (appenderCount, withRedis, rounds) => {
          const { mongodbUri } = isolatedUrls('appendprop');
          const appenders = await Promise.all(
            Array.from({ length: appenderCount }, () =>
              openAudit(mongodbUri, env, withRedis ? redisUrl : undefined),
            ),
          );
          try {
            const pool: AuditDraft[] = [];
            for (const round of rounds) {
              // Each appender gets fresh drafts plus a slice of the pool, which holds drafts chained in
              // earlier rounds and drafts other appenders are sending right now.
              const batches = round.map(([fresh, resend]) => {
                const created = Array.from({ length: fresh }, (_, index) => draftFor(`inc-${index % 5}`));
                const start = pool.length === 0 ? 0 : resend % pool.length;
                const batch = [...pool.slice(start, start + resend), ...created];
                pool.push(...created);
                return batch;
              });
              await Promise.all(
                batches.map((batch, index) =>
                  appenders[index % appenders.length].module.audit.recordMany(batch),
                ),
              );
            }
            const report = await appenders[0].module.audit.verify();
            expect(report).to.deep.include({ ok: true, eventsChecked: pool.length });
            const ids = await chainedIds(appenders[0].module);
            expect(new Set(ids).size).to.equal(ids.length);
            expect(new Set(ids)).to.deep.equal(new Set(pool.map((draft) => draft.eventId)));
          } finally {
            for (const appender of appenders) await appender.close();
          }
        },
      ),
      { numRuns: 8 },
    );
  });

  it("when another process's relay holds chained drafts unpulled, then a sweep here sends none of them to the store again", async () => {
    const { mongodbUri, redisUrl } = isolatedUrls('resend');
    const holder = await openAudit(mongodbUri, env, redisUrl, { relay: { pullHoldMs: 600_000 } });
    let inserts = 0;
    const sweeper = await openAudit(mongodbUri, env, redisUrl, {
      onCommand: (event) => {
        if (event.commandName === 'insert' && event.command.insert === 'audit_events') inserts += 1;
      },
    });
    try {
      const drafts = Array.from({ length: 20 }, (_, index) =>
        draftFor('inc-held', 'incident.noted', { index }),
      );
      await holder.db.db!.collection('held_things').insertOne({ _id: 'held' as never, pendingAudit: drafts });
      holder.module.relay.register('held_things');
      holder.module.relay.start();
      holder.module.relay.kick('held_things', 'held');
      while ((await holder.module.audit.head()).seq < 20)
        await new Promise((resolve) => setTimeout(resolve, 50));
      // The holder waits to pull (pullHoldMs): its drafts are chained but still in the outbox.
      const outbox = await holder.db.db!.collection('held_things').findOne({ _id: 'held' as never });
      expect(outbox?.pendingAudit).to.have.length(20);

      sweeper.module.relay.register('held_things');
      for (let pass = 0; pass < 3; pass += 1) await sweeper.module.relay.relayNow();
      expect(inserts).to.equal(0);
      expect((await sweeper.module.audit.verify()).eventsChecked).to.equal(20);
    } finally {
      await holder.close();
      await sweeper.close();
    }
  });

  it('when this process does not know drafts are chained, then it sends each to the store once and never again', async () => {
    const { mongodbUri } = isolatedUrls('resendlocal');
    const first = await openAudit(mongodbUri, env);
    let inserts = 0;
    const second = await openAudit(mongodbUri, env, undefined, {
      onCommand: (event) => {
        if (event.commandName === 'insert' && event.command.insert === 'audit_events') inserts += 1;
      },
    });
    try {
      const drafts = Array.from({ length: 12 }, () => draftFor('inc-local'));
      await first.module.audit.recordMany(drafts);
      expect(await second.module.audit.recordMany(drafts)).to.deep.equal([]);
      expect(inserts).to.be.at.most(drafts.length);
      const afterFirstResend = inserts;
      expect(await second.module.audit.recordMany(drafts)).to.deep.equal([]);
      expect(inserts).to.equal(afterFirstResend);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('when the store stops answering in the middle of a relay pass, then stopping the relay still finishes', async function () {
    // A liveness bound, not a speed figure: the driver alone waits about 45 s for a stopped store.
    this.timeout(20_000);
    const dir = mkdtempSync(join(testDataRoot(), 'govcert-stuck-'));
    const ferret = await startFerretDb(join(dir, 'ferretdb'));
    const opened = await openAudit(`${ferret.uri}stuck`, env, undefined, { relay: { stopWaitMs: 300 } });
    try {
      opened.module.relay.register('stuck_things');
      opened.module.relay.start();
      await opened.module.audit.record(draftFor('inc-before'));
      ferret.child.kill('SIGSTOP');
      // Not awaited: it waits for the stopped store like the relay's pass does.
      void opened.db
        .db!.collection('stuck_things')
        .insertOne({ _id: 'stuck' as never, pendingAudit: [draftFor('inc-stuck')] })
        .catch(() => undefined);
      opened.module.relay.kick();
      await opened.module.relay.stop(); // mocha's timeout is the bound: the driver itself would wait for ever
    } finally {
      ferret.child.kill('SIGCONT');
      await opened.close();
      await ferret.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the process closes its store under a relay pass it stopped waiting for, then the pass fails with a warning, not an error', async function () {
    // A liveness bound, not a speed figure: closing the driver with the store stopped takes ~30 s.
    this.timeout(60_000);
    const dir = mkdtempSync(join(testDataRoot(), 'govcert-cut-'));
    const ferret = await startFerretDb(join(dir, 'ferretdb'));
    const logs = new LogCapture();
    let stopped = false;
    const sentWhileStopped: string[] = [];
    const opened = await openAudit(`${ferret.uri}cut`, env, undefined, {
      relay: { stopWaitMs: 300 },
      logger: createLogger('info', logs),
      onCommand: (event) => {
        if (stopped)
          sentWhileStopped.push(`${event.commandName}:${String(event.command[event.commandName])}`);
      },
    });
    try {
      opened.module.relay.register('cut_things');
      opened.module.relay.start();
      await opened.module.audit.record(draftFor('inc-before'));
      ferret.child.kill('SIGSTOP');
      stopped = true;
      void opened.db
        .db!.collection('cut_things')
        .insertOne({ _id: 'cut' as never, pendingAudit: [draftFor('inc-cut')] })
        .catch(() => undefined);
      opened.module.relay.kick();
      // The relay's sweep has sent its read of the kicked collection to the stopped store: the pass is
      // under way, and stays so.
      await waitFor(
        () => Promise.resolve(sentWhileStopped.filter((command) => command === 'find:cut_things')),
        (commands) => commands.length > 0,
        5000,
      );
      await opened.module.relay.stop(); // leaves the pass under way after 300 ms
      await opened.db.close(true); // as a stopping runtime does past its deadline
      const cut = await waitFor(
        () =>
          Promise.resolve(
            logs.lines.filter((line) => String(line.msg).includes('cut short by the shutdown')),
          ),
        (lines) => lines.length > 0,
        5000,
      );
      expect(cut).to.have.length.greaterThan(0);
      expect(cut[0]?.level).to.equal(40);
      expect(logs.errors()).to.deep.equal([]);
    } finally {
      ferret.child.kill('SIGCONT');
      for (const loop of opened.module.background) await loop.stop();
      await ferret.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
