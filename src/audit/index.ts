import { loopTurn, type Background, type JobIntent, type PlatformDeps } from '../platform/index.js';
import type { ChainHead } from './audit-event.types.js';
import type { AnyRoute } from '../platform/http/index.js';
import { AuditEventRepository } from './audit-event.repository.js';
import { AuditRelay, type RelayOptions } from './audit-relay.js';
import { AuditService } from './audit.service.js';
import { auditRoutes } from './audit.routes.js';
import { ChainAppender } from './chain-appender.js';
import { ChainedIds } from './chained-ids.js';
import { CheckpointRepository } from './checkpoint.repository.js';
import { CheckpointSigner } from './checkpoint-signer.js';
import { Checkpointer } from './checkpointer.js';
import { OutboxRepository } from './outbox.repository.js';
import { RelayHints } from './relay-hints.js';
import { OPEN_GATE, RedisAppendLock } from './append-lock.js';

export { auditDraft, diffFields, PENDING_AUDIT_FIELD, storedOutbox } from './audit-draft.js';
export type { AuditDraft, AuditChange, AuditSubject, DraftCompletion, DraftOptions } from './audit-draft.js';
export type { DraftCompleter } from './draft-completion.js';
export type {
  AuditEvent,
  AuditCheckpoint,
  ChainHead,
  VerifyReport,
  VerifyFailure,
} from './audit-event.types.js';
export { AuditService, MAX_PAGE_SIZE } from './audit.service.js';
export type { AuditListFilter, AuditPage, SubjectPage, TimedVerifyReport } from './audit.service.js';
export { AuditRelay } from './audit-relay.js';
export type { RelayOptions, JobSink } from './audit-relay.js';
export { ChainVerifier } from './chain-verifier.js';
export { hashEvent, sealDrafts, canonicalJson, canonicalEventJson, GENESIS_HASH } from './audit-hash.js';
export { writeExport } from './audit-export.js';
export { verifyExportFile } from './offline-verify.js';
export type { OfflineReport } from './offline-verify.js';

/** How a process relays: the relay's own options, and its part in the hand-off between processes. */
export type AuditModuleOptions = Omit<RelayOptions, 'hints' | 'publishOnly'> & {
  /** `publish`: hand writes to other processes' relays and relay none; `take`: relay theirs too. */
  handOff?: 'publish' | 'take';
};

/** The audit module: its service, the outbox relay, routes, the relay loop and start-up work. */
export interface AuditModule {
  audit: AuditService;
  relay: AuditRelay;
  routes: AnyRoute[];
  background: Background[];
  init(): Promise<void>;
}

/**
 * Builds the audit trail over the platform's database. Other modules `relay.register()` their
 * audited collections at build time, `kick()` the relay after a write, and `audit.record()` events
 * without a state change of their own.
 */
export function createAuditModule(
  platform: Pick<PlatformDeps, 'db' | 'config' | 'logger'> & Partial<Pick<PlatformDeps, 'redis' | 'queues'>>,
  relayOptions: AuditModuleOptions = {},
): AuditModule {
  const events = new AuditEventRepository(platform.db, (overrun) => {
    platform.logger.error(
      overrun,
      'the store stored audit events past a refused one in an ordered insert (it should stop there, as MongoDB does): ' +
        'those events were removed and this process now appends one event per insert',
    );
  });
  const checkpoints = new CheckpointRepository(platform.db);
  const signer = new CheckpointSigner(platform.config.AUDIT_SIGNING_KEY);
  const checkpointer = new Checkpointer(checkpoints, signer, {
    every: platform.config.AUDIT_CHECKPOINT_EVERY,
    seconds: platform.config.AUDIT_CHECKPOINT_SECONDS,
  });
  // One appender at a time per database across processes (when Redis is there), for throughput only.
  const gate = platform.redis
    ? new RedisAppendLock(platform.redis, `${platform.config.REDIS_PREFIX}:audit-append:${platform.db.name}`)
    : OPEN_GATE;
  const onAppended = async (head: ChainHead): Promise<void> => {
    await checkpointer.consider(head).catch((err: unknown) => {
      // The events are safe; a missed checkpoint is signed on the next append or tick.
      platform.logger.warn({ err }, 'audit checkpoint failed');
    });
  };
  // Drafts chained by any process, by id, so sweeps do not send other processes' unpulled drafts again.
  const chained = new ChainedIds(
    platform.redis,
    `${platform.config.REDIS_PREFIX}:audit-chained:${platform.db.name}`,
  );
  const appender = new ChainAppender(events, onAppended, gate, chained);
  const audit = new AuditService(
    events,
    checkpoints,
    appender,
    checkpointer,
    signer,
    platform.config.AUDIT_VERIFY_CACHE_SECONDS * 1000,
  );
  // The jobs writes record in their `pendingJobs` outbox go to the platform's queues (tools that only
  // read the trail have none: such jobs wait for a process that has).
  const queues = platform.queues;
  const jobs = queues && {
    enqueue: ({ queue, jobId, payload, runAt }: JobIntent) =>
      queues.add(queue, payload, { jobId, delay: Math.max(0, (runAt?.getTime() ?? 0) - Date.now()) }),
  };
  // With `handOff: 'publish'`, a process that only serves requests hands its writes to the relays that
  // `take` them (the background role) through Redis and runs no relay loop of its own. Not the default:
  // in a chaos run (2 API and 2 worker processes, 5 reports/s, faults) the two workers' relays fell
  // behind by thousands of drafts and recorded jobs, and intake then saturated the store; request
  // processes relay their own writes (kicks only, no sweeps) until the relay's capacity on worker
  // processes is measured to suffice. Without a hand-off no relay looks at Redis for hints.
  const { handOff, ...ownOptions } = relayOptions;
  const hints =
    platform.redis && handOff
      ? new RelayHints(
          platform.redis,
          `${platform.config.REDIS_PREFIX}:audit-relay-hints:${platform.db.name}`,
        )
      : undefined;
  const publishOnly = hints !== undefined && handOff === 'publish';
  const relay = new AuditRelay(
    new OutboxRepository(platform.db),
    appender,
    platform.logger,
    {
      ...(platform.redis
        ? { sweepTurn: loopTurn({ ...platform, redis: platform.redis }, 'audit-relay-sweep') }
        : {}),
      ...ownOptions,
      ...(hints ? { hints } : {}),
      publishOnly,
    },
    jobs ?? undefined,
  );
  const checkpointTick = timeCheckpoints(appender, checkpointer, platform.config.AUDIT_CHECKPOINT_SECONDS);
  return {
    audit,
    relay,
    routes: auditRoutes(audit),
    // The background role: the relay loop and the checkpoint timer run where the sweeps do.
    background: publishOnly ? [] : [relay, checkpointTick],
    init: async () => {
      await events.init();
      await warnOfForeignCheckpoints(checkpoints, signer.keyId, platform.logger);
    },
  };
}

/**
 * Says at start when stored checkpoints were signed by a key this process does not have: verifying
 * would answer `checkpoint_unknown_key`, which looks like tampering but means a changed key.
 */
async function warnOfForeignCheckpoints(
  checkpoints: CheckpointRepository,
  keyId: string,
  logger: PlatformDeps['logger'],
): Promise<void> {
  const foreign = (await checkpoints.all()).filter((checkpoint) => checkpoint.keyId !== keyId);
  if (foreign.length === 0) return;
  logger.warn(
    {
      foreignCheckpoints: foreign.length,
      firstSeq: foreign[0].seq,
      keyIds: [...new Set(foreign.map((checkpoint) => checkpoint.keyId))],
      ourKeyId: keyId,
    },
    'stored audit checkpoints were signed by a key this process does not have: verification will report checkpoint_unknown_key (set AUDIT_SIGNING_KEY to the key that signed them)',
  );
}

/** Signs a checkpoint when events are waiting for one longer than the configured seconds. */
function timeCheckpoints(appender: ChainAppender, checkpointer: Checkpointer, seconds: number): Background {
  let timer: NodeJS.Timeout | null = null;
  return {
    name: 'audit-checkpoints',
    start() {
      timer = setInterval(
        () => {
          void appender
            .currentHead()
            .then((head) => checkpointer.consider(head))
            .catch(() => undefined);
        },
        Math.max(1, Math.min(seconds, 30)) * 1000,
      );
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      return Promise.resolve();
    },
  };
}
