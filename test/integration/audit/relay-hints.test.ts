import { expect } from 'chai';
import { Queue } from 'bullmq';
import { loadConfig } from '../../../src/config/index.js';
import { createAuditModule, type AuditModule } from '../../../src/audit/index.js';
import { connectMongo, type Connection } from '../../../src/platform/db/index.js';
import { createLogger, jobIntent } from '../../../src/platform/index.js';
import { createRedis, QueueRegistry } from '../../../src/platform/queue/index.js';
import { isolatedUrls } from '../../helpers/services.js';
import { waitFor } from '../../helpers/wait.js';
import { draftFor } from './audit-fixture.js';

const INCIDENT = 'bbbbbbbbbbbbbbbbbbbbbbbb';

/**
 * Issue 16, item 10: a process that only serves requests runs no relay loop; it hands each write to
 * the background role's relay through Redis. Here the relay does not sweep, so only the hand-off can
 * bring the documents to it.
 */
describe('relay hand-off: request processes hand their writes to the background relay', function () {
  this.timeout(30_000);
  const logger = createLogger('silent');
  let urls: ReturnType<typeof isolatedUrls>;
  let db: Connection;
  let redis: ReturnType<typeof createRedis>;
  let registry: QueueRegistry;
  let serving: AuditModule;
  let background: AuditModule;

  before(async () => {
    urls = isolatedUrls('relayhints');
    const config = loadConfig({ NODE_ENV: 'test', MONGODB_URI: urls.mongodbUri, REDIS_URL: urls.redisUrl });
    db = await connectMongo(urls.mongodbUri, logger);
    redis = createRedis(urls.redisUrl, 'producer', logger);
    registry = new QueueRegistry(redis, urls.prefix);
    const platform = { db, config, logger, redis, queues: registry };
    // As modules.ts builds them: an API-only process (no sweeps) and a worker's relay. The worker's
    // relay is told not to sweep either, so that nothing but the hand-off reaches it.
    serving = createAuditModule(platform, { sweeps: false, handOff: 'publish' });
    background = createAuditModule(platform, { sweeps: false, handOff: 'take' });
    await background.init();
    for (const module of [serving, background]) module.relay.register('hint_things');
    background.relay.start();
  });
  after(async () => {
    await background.relay.stop();
    await registry.close();
    redis.disconnect();
    await db.close();
  });

  const things = () => db.db!.collection('hint_things');

  it('when it only serves requests, then it runs no relay or checkpoint loop', () => {
    expect(serving.background.map((loop) => loop.name)).to.deep.equal([]);
    expect(background.background.map((loop) => loop.name)).to.include('audit-relay');
  });

  it('when a write is kicked with its outboxes, then the background relay chains the drafts, enqueues the jobs and pulls both', async () => {
    const draft = draftFor(INCIDENT, 'incident.reported', {
      at: new Date('2026-12-02T01:02:03.456Z'),
      n: 2.5,
    });
    const job = jobIntent('dispatch', `${INCIDENT}-n7`, { incidentId: INCIDENT, round: 7 });
    await things().insertOne({ _id: 'w1' as never, pendingAudit: [draft], pendingJobs: [job] });
    serving.relay.kick('hint_things', 'w1', [draft], [job]);
    const stored = await waitFor(
      () => things().findOne({ _id: 'w1' as never }),
      (doc) => (doc?.pendingAudit as unknown[]).length === 0 && (doc?.pendingJobs as unknown[]).length === 0,
    );
    // Pulled by exact value: the drafts came through Redis with their BSON types intact.
    expect(stored?.pendingAudit).to.deep.equal([]);
    expect(stored?.pendingJobs).to.deep.equal([]);
    const timeline = await background.audit.forSubject('incident', INCIDENT);
    expect(timeline.map((event) => event.eventId)).to.include(draft.eventId);
    const queue = new Queue('dispatch', { connection: redis, prefix: urls.prefix });
    expect((await queue.getJob(job.jobId))?.data).to.deep.equal({ incidentId: INCIDENT, round: 7 });
    await queue.close();
    expect((await background.audit.verify()).ok).to.equal(true);
  });

  it('when a write is kicked by id only, then the background relay reads that document and relays it', async () => {
    const draft = draftFor(INCIDENT, 'incident.noted');
    await things().insertOne({ _id: 'w2' as never, pendingAudit: [draft] });
    serving.relay.kick('hint_things', 'w2');
    const stored = await waitFor(
      () => things().findOne({ _id: 'w2' as never }),
      (doc) => (doc?.pendingAudit as unknown[]).length === 0,
    );
    expect(stored?.pendingAudit).to.deep.equal([]);
    const timeline = await background.audit.forSubject('incident', INCIDENT);
    expect(timeline.map((event) => event.eventId)).to.include(draft.eventId);
  });
});

describe('relay hand-off: hints survive a sweep pass', function () {
  this.timeout(30_000);
  const logger = createLogger('silent');
  let db: Connection;
  let redis: ReturnType<typeof createRedis>;
  let background: AuditModule;

  before(async () => {
    const urls = isolatedUrls('relayhints2');
    const config = loadConfig({ NODE_ENV: 'test', MONGODB_URI: urls.mongodbUri, REDIS_URL: urls.redisUrl });
    db = await connectMongo(urls.mongodbUri, logger);
    redis = createRedis(urls.redisUrl, 'producer', logger);
    const platform = { db, config, logger, redis };
    const serving = createAuditModule(platform, { sweeps: false, handOff: 'publish' });
    // A relay whose sweeps read one document each, at most every minute: a backlog it cannot clear at once.
    background = createAuditModule(platform, { sweepMs: 60_000, maxDocuments: 1, handOff: 'take' });
    await background.init();
    for (const module of [serving, background]) module.relay.register('swept_things');
    const things = db.db!.collection('swept_things');
    for (const id of ['a', 'b', 'c']) {
      await things.insertOne({ _id: id as never, pendingAudit: [draftFor(INCIDENT, `incident.${id}`)] });
    }
    // The hint is waiting before the relay's first pass, which is a sweep.
    const c = await things.findOne({ _id: 'c' as never });
    serving.relay.kick('swept_things', 'c', c?.pendingAudit as unknown[], []);
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
  after(async () => {
    await background.relay.stop();
    redis.disconnect();
    await db.close();
  });

  it('when the hint is waiting while the relay sweeps, then the hinted document is relayed by the next pass, not left for later sweeps', async () => {
    background.relay.start();
    const things = db.db!.collection('swept_things');
    let c = await things.findOne({ _id: 'c' as never });
    for (let i = 0; i < 60 && (c?.pendingAudit as unknown[]).length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      c = await things.findOne({ _id: 'c' as never });
    }
    expect(c?.pendingAudit).to.deep.equal([]);
    // The sweep read one document (a full page): the next sweeps, between passes for the hints, come
    // at once rather than a minute later, and relay the rest.
    let left = await things.countDocuments({ 'pendingAudit.0': { $exists: true } });
    for (let i = 0; i < 100 && left > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      left = await things.countDocuments({ 'pendingAudit.0': { $exists: true } });
    }
    expect(left).to.equal(0);
  });
});
