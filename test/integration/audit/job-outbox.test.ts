import { expect } from 'chai';
import { Queue } from 'bullmq';
import { loadConfig } from '../../../src/config/index.js';
import { createAuditModule, type AuditModule } from '../../../src/audit/index.js';
import { connectMongo, type Connection } from '../../../src/platform/db/index.js';
import { createLogger, jobIntent, type JobIntent } from '../../../src/platform/index.js';
import { createRedis, QueueRegistry } from '../../../src/platform/queue/index.js';
import { isolatedUrls } from '../../helpers/services.js';
import { LogCapture } from '../../helpers/runtime.js';
import { draftFor } from './audit-fixture.js';

const INCIDENT = 'aaaaaaaaaaaaaaaaaaaaaaaa';

/**
 * The job outbox (issue 16, item 8): a write records the jobs it causes in `pendingJobs`; the audit
 * relay enqueues them under their own ids and then pulls them, on real FerretDB and Redis.
 */
describe('job outbox: jobs recorded by a write are enqueued by the relay', () => {
  let urls: ReturnType<typeof isolatedUrls>;
  const logger = createLogger('silent');
  let db: Connection;
  let registry: QueueRegistry;
  let redis: ReturnType<typeof createRedis>;
  let relayModule: AuditModule;
  let failingModule: AuditModule;
  let redisDown = false;

  before(async () => {
    urls = isolatedUrls('joboutbox');
    const config = loadConfig({ NODE_ENV: 'test', MONGODB_URI: urls.mongodbUri, REDIS_URL: urls.redisUrl });
    db = await connectMongo(urls.mongodbUri, logger);
    redis = createRedis(urls.redisUrl, 'producer', logger);
    registry = new QueueRegistry(redis, urls.prefix);
    relayModule = createAuditModule({ db, config, logger, redis, queues: registry }, { sweepMs: 100 });
    await relayModule.init();
    // A second relay whose Redis adds fail (as when Redis is away) for as long as `redisDown` says.
    const flaky = {
      add: (...args: Parameters<QueueRegistry['add']>) =>
        redisDown ? Promise.reject(new Error('Redis away')) : registry.add(...args),
    } as unknown as QueueRegistry;
    failingModule = createAuditModule({ db, config, logger, redis, queues: flaky }, { sweepMs: 100 });
    for (const module of [relayModule, failingModule]) module.relay.register('job_things');
  });
  after(async () => {
    await registry.close();
    redis.disconnect();
    await db.close();
  });

  const things = () => db.db!.collection('job_things');
  const clocks = () => new Queue('clocks', { connection: redis, prefix: urls.prefix });
  const dispatch = () => new Queue('dispatch', { connection: redis, prefix: urls.prefix });

  it('when a document records a job beside its draft, then the relay enqueues it once under its id and empties both outboxes', async () => {
    const job = jobIntent('dispatch', `${INCIDENT}-n1`, { incidentId: INCIDENT, round: 1 });
    await things().insertOne({ _id: 'a' as never, pendingAudit: [draftFor(INCIDENT)], pendingJobs: [job] });
    await relayModule.relay.relayNow();
    // A second relay that finds the same (not yet pulled) entries adds nothing more.
    await things().updateOne({ _id: 'a' as never }, { $set: { pendingJobs: [job] } });
    await relayModule.relay.relayNow();
    const queue = dispatch();
    const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed']);
    expect(jobs.map((j) => j.id)).to.deep.equal([`${INCIDENT}-n1`]);
    expect(jobs[0]?.data).to.deep.equal({ incidentId: INCIDENT, round: 1 });
    await queue.close();
    const stored = await things().findOne({ _id: 'a' as never });
    expect(stored?.pendingAudit).to.deep.equal([]);
    expect(stored?.pendingJobs).to.deep.equal([]);
  });

  it('when a job has a time, then it is added delayed until then', async () => {
    const runAt = new Date(Date.now() + 3_600_000);
    const timer: JobIntent = jobIntent(
      'clocks',
      `${INCIDENT}-ack-due-${runAt.getTime()}`,
      { incidentId: INCIDENT, clockKey: 'ack', kind: 'due', at: runAt.getTime() },
      runAt,
    );
    await things().insertOne({ _id: 'b' as never, pendingAudit: [], pendingJobs: [timer] });
    await relayModule.relay.relayNow();
    const queue = clocks();
    const job = await queue.getJob(timer.jobId);
    expect(await job?.isDelayed()).to.equal(true);
    expect(job?.opts.delay).to.be.greaterThan(3_500_000);
    await queue.close();
  });

  it('when Redis refuses the add, then the drafts are chained and pulled and the job stays for the next pass', async () => {
    const job = jobIntent('dispatch', `${INCIDENT}-n2`, { incidentId: INCIDENT, round: 2 });
    const draft = draftFor(INCIDENT, 'incident.retriaged');
    await things().insertOne({ _id: 'c' as never, pendingAudit: [draft], pendingJobs: [job] });
    redisDown = true;
    await failingModule.relay.relayNow();
    let stored = await things().findOne({ _id: 'c' as never });
    expect(stored?.pendingAudit).to.deep.equal([]);
    expect(stored?.pendingJobs).to.have.length(1);
    const queue = dispatch();
    expect(await queue.getJob(job.jobId)).to.equal(undefined);
    redisDown = false;
    await failingModule.relay.relayNow();
    stored = await things().findOne({ _id: 'c' as never });
    expect(stored?.pendingJobs).to.deep.equal([]);
    expect((await queue.getJob(job.jobId))?.data).to.deep.equal({ incidentId: INCIDENT, round: 2 });
    await queue.close();
    const timeline = await relayModule.audit.forSubject('incident', INCIDENT);
    expect(timeline.filter((event) => event.eventId === draft.eventId)).to.have.length(1);
  });

  it('when the adds of hundreds of documents fail, each naming its queue, then one error line says so and every job is added later', async () => {
    const logs = new LogCapture();
    let away = true;
    // Each failure names its queue, as the registry's do: the reasons alternate within one pass.
    const naming = {
      add: (...args: Parameters<QueueRegistry['add']>) =>
        away ? Promise.reject(new Error(`Queue ${args[0]} is unavailable`)) : registry.add(...args),
    } as unknown as QueueRegistry;
    const config = loadConfig({ NODE_ENV: 'test', MONGODB_URI: urls.mongodbUri, REDIS_URL: urls.redisUrl });
    const module = createAuditModule(
      { db, config, logger: createLogger('info', logs), redis, queues: naming },
      { sweepMs: 100 },
    );
    module.relay.register('many_job_things');
    const many = db.db!.collection('many_job_things');
    const ids = Array.from({ length: 250 }, (_, index) => `many-${index}`);
    await many.insertMany(
      ids.map((id) => ({
        _id: id as never,
        pendingAudit: [],
        pendingJobs: [
          jobIntent('dispatch', `${id}-n0`, { incidentId: INCIDENT, round: 0 }),
          jobIntent('triage', `${id}-t`, { incidentId: INCIDENT, reason: 'reported' }),
        ],
      })),
    );
    await module.relay.relayNow();
    expect(logs.errors().map((line) => line.msg)).to.deep.equal([
      'audit relay cannot relay; drafts stay in their outboxes and are retried',
    ]);
    expect(await many.countDocuments({ 'pendingJobs.1': { $exists: true } })).to.equal(ids.length);
    away = false;
    await module.relay.relayNow();
    expect(await many.countDocuments({ 'pendingJobs.0': { $exists: true } })).to.equal(0);
    const queue = dispatch();
    expect(await queue.getJob('many-249-n0')).to.not.equal(undefined);
    await queue.close();
  });

  it('when a recorded job does not fit its queue, then it is dropped from the outbox instead of blocking it', async () => {
    const bad = { queue: 'dispatch', jobId: 'x', payload: { incidentId: 'not-an-id', round: -1 } };
    const unknownQueue = { queue: 'nope', jobId: 'y', payload: {} };
    await things().insertOne({ _id: 'd' as never, pendingAudit: [], pendingJobs: [bad, unknownQueue] });
    await relayModule.relay.relayNow();
    const stored = await things().findOne({ _id: 'd' as never });
    expect(stored?.pendingJobs).to.deep.equal([]);
  });

  it('when a write kicks the relay with its outboxes as stored, then its jobs are enqueued without a sweep', async () => {
    const job = jobIntent('dispatch', `${INCIDENT}-n3`, { incidentId: INCIDENT, round: 3 });
    const draft = draftFor(INCIDENT);
    await things().insertOne({ _id: 'e' as never, pendingAudit: [draft], pendingJobs: [job] });
    relayModule.relay.kick('job_things', 'e', [draft], [job]);
    relayModule.relay.start();
    try {
      const queue = dispatch();
      for (let i = 0; i < 200 && !(await queue.getJob(job.jobId)); i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(await queue.getJob(job.jobId)).to.not.equal(undefined);
      await queue.close();
    } finally {
      await relayModule.relay.stop();
    }
  });
});
