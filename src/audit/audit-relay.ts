import {
  parseStoredIntent,
  settlesWithin,
  type JobIntent,
  type Logger,
  type SharedTurn,
} from '../platform/index.js';
import { AppendGathering } from './append-gathering.js';
import type { AuditDraft } from './audit-draft.js';
import type { ChainAppender } from './chain-appender.js';
import { DraftCompletions, type DraftCompleter } from './draft-completion.js';
import { OutboxPulls } from './outbox-pulls.js';
import type { OutboxRepository } from './outbox.repository.js';
import { documentKey, mergeOutbox, type PendingDocument } from './pending-document.js';
import type { RelayHint, RelayHints } from './relay-hints.js';

export interface RelayOptions {
  /** Pause between sweeps for leftovers of crashed or other processes. */
  sweepMs?: number;
  /**
   * Documents read per collection and outbox per sweep; default 500. A sweep reads whole 10-25 KB
   * documents on FerretDB, and no pull is flushed while it reads: at 2,000 a loaded sweep took 50-90 s,
   * during which the pulls it had found waited and the next sweep found them again.
   */
  maxDocuments?: number;
  /**
   * How long a document must go without writes before the pull of its chained drafts; default 1 s.
   * A document written on and on is pulled after ten times this at most.
   */
  pullHoldMs?: number;
  /**
   * How long drafts found by one pass wait for the next passes' before they are chained together;
   * default 250 ms. Their jobs are enqueued at once.
   */
  appendGatherMs?: number;
  /** How long `stop()` waits for the pass under way, and then for its own last pass; default 5 s each. */
  stopWaitMs?: number;
  /**
   * Whether this relay sweeps the registered collections (default true). A process that only serves
   * requests relays what it kicks and leaves the sweeps, which scan whole collections on FerretDB, to
   * the processes that run workers.
   */
  sweeps?: boolean;
  /**
   * The hand-off of written documents between processes (Redis). With `publishOnly`, this process
   * relays nothing itself: `kick` pushes the hint there for the relays of the background role; without,
   * this relay also takes the hints other processes pushed.
   */
  hints?: RelayHints;
  /** Serve requests only: hand every kick to `hints` and run no loop (default false). */
  publishOnly?: boolean;
  /**
   * Shared with the other processes' relays: one sweep per interval among them all. A sweep finds
   * what any process left, so one is enough; each decodes every document with an outbox.
   */
  sweepTurn?: SharedTurn;
}

/** How often a relay with a hint hand-off looks for other processes' hints when nothing woke it. */
const HINT_POLL_MS = 100;
/** Hints taken from the hand-off per pass at most. */
const HINTS_PER_PASS = 1000;

/**
 * Where the relay puts the jobs it finds in `pendingJobs` outboxes (the platform's queue registry).
 * `enqueue` adds one job under its own id: a job BullMQ still holds is not added twice.
 */
export interface JobSink {
  enqueue(intent: JobIntent): Promise<void>;
}

/**
 * The longest the loop goes without a full sweep, however slow sweeps are. Every write kicks its own
 * relay, so sweeps only find what a crash or a lost kick left; a sweep of a loaded store read for
 * 30-80 s in a chaos run, and with a 10 s bound the workers' relays did nothing but sweep.
 */
const MAX_SWEEP_EVERY_MS = 60_000;

/**
 * How many times a sweep's pause doubles while sweeps find nothing: 3, so an idle store is swept every
 * 8 s by default instead of every second. Sweeps only find what a crash or a lost kick left, and a sweep
 * that finds anything brings the pause back to its base.
 */
const QUIET_SWEEP_DOUBLINGS = 3;

/**
 * A sweep that finds only drafts younger than this found writes whose kick is on its way (under
 * steady load every sweep finds some), not what a crash or a lost kick left: it lets the pause keep
 * doubling. A kick is served within a pass, a hint handed over within a second or two.
 */
export const IN_FLIGHT_MS = 5000;

/**
 * Whether a document a sweep found looks left behind (a draft older than {@link IN_FLIGHT_MS}) rather
 * than in flight. A document holding only jobs counts as in flight: the sweep relays it all the same.
 */
export function isLeftover(document: PendingDocument, now: number): boolean {
  return document.drafts.some((draft) => now - new Date(draft.at).getTime() > IN_FLIGHT_MS);
}

/**
 * At most one line this often while passes keep failing, whatever the reason: the job adds of one pass
 * fail one by one, each naming its queue, and keyed by reason they alternated and logged every one
 * (15,295 lines in one bench run).
 */
const FAILURE_LOG_EVERY_MS = 30_000;

/**
 * Documents whose jobs are added to the queues at once. A pass after a backlog holds thousands of
 * documents with several jobs each; all added at once, they kept Redis busy past the adds' 1.5 s
 * timeout (a bench run's intake flood: every add of a 6,000-document pass failed, to be tried again).
 */
const ENQUEUE_DOCUMENTS_AT_ONCE = 100;

/** How often the relay logs what it did (when it did anything): the figures to look at when it lags. */
const ACTIVITY_LOG_EVERY_MS = 10_000;

/** What the relay's passes did since the last activity line, with the time each phase took. */
interface RelayActivity {
  passes: number;
  sweeps: number;
  documents: number;
  drafts: number;
  appended: number;
  jobs: number;
  readMs: number;
  enqueueMs: number;
  appendMs: number;
  pullMs: number;
  since: number;
}

const freshActivity = (): RelayActivity => ({
  passes: 0,
  sweeps: 0,
  documents: 0,
  drafts: 0,
  appended: 0,
  jobs: 0,
  readMs: 0,
  enqueueMs: 0,
  appendMs: 0,
  pullMs: 0,
  since: Date.now(),
});

/**
 * Moves drafts from the `pendingAudit` outbox of registered collections into the chain, and the job
 * intents of their `pendingJobs` outbox into BullMQ, then pulls both. Appending and enqueueing before
 * pulling means a crash in between leaves drafts already chained and jobs already queued: the appender
 * recognises the drafts' eventIds and skips them, and BullMQ ignores a job id it holds (a job it has
 * trimmed runs again, which every job is safe to do). So nothing is lost and nothing doubled.
 */
export class AuditRelay {
  readonly name = 'audit-relay';
  private readonly collections: string[] = [];
  private readonly hints: RelayHint[] = [];
  private failures: { since: number; count: number; loggedAt: number } | null = null;
  /** Set by `stop()`: what fails from then on fails because the process is closing (see reportFailure). */
  private stopping = false;
  /** How long the last full sweep's reads took (its appends and pulls not counted). */
  private lastScanMs = 0;
  private fullSweepWanted = true;
  /** The last sweep found a full page in some collection: more is waiting than one sweep reads. */
  private sweepBacklog = false;
  /** Sweeps in a row that found no leftover (at most QUIET_SWEEP_DOUBLINGS). */
  private quietSweeps = 0;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private timer: NodeJS.Timeout | undefined;
  private passing: Promise<number> | null = null;
  private readonly pulls: OutboxPulls;
  private readonly gathered: AppendGathering;
  private readonly completions: DraftCompletions;
  private activity = freshActivity();

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly appender: ChainAppender,
    private readonly logger: Logger,
    private readonly options: RelayOptions = {},
    /** Absent in tools that only read or verify: their jobs stay in the outbox for a process with queues. */
    private readonly jobs?: JobSink,
  ) {
    this.pulls = new OutboxPulls(outbox, options.pullHoldMs ?? 1000);
    this.gathered = new AppendGathering(options.appendGatherMs ?? 250);
    this.completions = new DraftCompletions(logger);
  }

  private get sweeps(): boolean {
    return this.options.sweeps ?? true;
  }

  /** Read through a getter: `stop()` may flip it while a pass is awaited. */
  private get active(): boolean {
    return this.running;
  }

  /** Declares a collection whose documents carry the `pendingAudit` outbox. */
  register(collection: string): void {
    if (!this.collections.includes(collection)) this.collections.push(collection);
  }

  /** Lets this relay chain drafts whose data is kept in `source`'s records (see `DraftCompletion`). */
  completeWith(source: string, completer: DraftCompleter): void {
    this.completions.register(source, completer);
  }

  /**
   * Asks for a prompt relay after a write. With the written document's collection and `_id`, only that
   * document is looked at: its outboxes as the write stored them when given (`pendingAudit`, and
   * `pendingJobs` if the writer records jobs: none given means none relayed now, a sweep finds any),
   * else read by `_id`. Without, every registered collection is swept.
   */
  kick(collection?: string, id?: unknown, pendingAudit?: unknown[], pendingJobs?: unknown[]): void {
    const handOff = this.options.publishOnly ? this.options.hints : undefined;
    if (collection !== undefined && id !== undefined) {
      const hint = {
        collection,
        id,
        ...(pendingAudit ? { drafts: pendingAudit, jobs: pendingJobs ?? [] } : {}),
      };
      if (handOff) {
        // Not awaited: the write stands; a hint Redis did not take waits for a sweep.
        void handOff.publish(hint);
        return;
      }
      this.hints.push(hint);
    } else if (!handOff) this.fullSweepWanted = true;
    this.wake?.();
  }

  /** One relay pass now, every pull included (tests, shutdown, CLI); resolves with the drafts chained. */
  relayNow(): Promise<number> {
    this.fullSweepWanted = true;
    return this.pass(true);
  }

  start(): void {
    if (this.running || this.options.publishOnly) return;
    this.running = true;
    this.stopping = false;
    this.loop = this.run();
  }

  /**
   * Stops the loop and makes a last pass for this process's drafts, each wait bounded: a store that
   * does not answer must not hold a shutdown. Whatever is left stays in its outbox, where any other
   * process's sweep (or this one's next start) finds it.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.wake?.();
    const waitMs = this.options.stopWaitMs ?? 5000;
    const loop = this.loop;
    this.loop = null;
    if (loop && !(await settlesWithin(loop, waitMs))) {
      this.logger.warn({ waitMs }, 'audit relay: the pass under way did not finish; leaving it to the sweep');
      return;
    }
    const last = this.relayNow().catch((err: unknown) => {
      this.logger.warn({ err }, 'audit relay: final pass failed');
      return 0;
    });
    if (!(await settlesWithin(last, waitMs))) {
      this.logger.warn({ waitMs }, 'audit relay: final pass did not finish; leaving it to the sweep');
    }
  }

  /** Logs a failure once, then once per FAILURE_LOG_EVERY_MS with how often it failed since. */
  private reportFailure(err: unknown): void {
    if (this.stopping) {
      // A pass `stop()` stopped waiting for, failing as the process closes its connections under it:
      // the shutdown's doing, not a store that cannot be relayed to.
      this.logger.warn(
        { err },
        'audit relay: a pass cut short by the shutdown; its drafts stay in their outboxes',
      );
      return;
    }
    const now = Date.now();
    const failures = this.failures ?? { since: now, count: 0, loggedAt: 0 };
    failures.count += 1;
    this.failures = failures;
    if (now - failures.loggedAt < FAILURE_LOG_EVERY_MS) return;
    failures.loggedAt = now;
    this.logger.error(
      { err, failedPasses: failures.count, failingSinceMs: now - failures.since },
      'audit relay cannot relay; drafts stay in their outboxes and are retried',
    );
  }

  private async run(): Promise<void> {
    let lastSweep = 0;
    let lastWasSweep = false;
    while (this.running) {
      // Sweeps scan whole collections on FerretDB: keep the scans (their reads only) under ~10% of the
      // time, but sweep at least every minute (drafts nobody kicked wait for it), and again soon
      // after a sweep that found a full page (a backlog after a crash or an outage).
      // An idle store is swept less often: each sweep in a row that found nothing doubles the pause,
      // up to 2^QUIET_SWEEP_DOUBLINGS times (28 reads a second on an idle store before). A sweep that finds
      // a leftover (`isLeftover`) brings it back at once; one that finds only writes in flight does not,
      // or under steady load the sweeps would read every second what the kicks relay anyway.
      const sweepEvery = this.sweepBacklog
        ? 0
        : Math.min(
            Math.max(this.options.sweepMs ?? 1000, this.lastScanMs * 10) * 2 ** this.quietSweeps,
            MAX_SWEEP_EVERY_MS,
          );
      // Never two sweeps back to back: a sweep pass leaves the kicks (and the hand-off's hints) that
      // came in meanwhile, and with sweeps one after the other they would wait for a sweep to find them.
      if (this.sweeps && !lastWasSweep && Date.now() - lastSweep >= sweepEvery) {
        if (await this.takeSweepTurn(sweepEvery)) this.fullSweepWanted = true;
        // Another process sweeps this time: this one serves its kicks and looks again next interval.
        else lastSweep = Date.now();
      }
      const full = this.fullSweepWanted;
      try {
        await this.pass();
        if (this.failures) {
          this.logger.info({ failedPasses: this.failures.count }, 'audit relay relays again');
          this.failures = null;
        }
      } catch (err) {
        this.reportFailure(err);
        // A failing store is not hammered: the next try waits for the sweep interval.
        if (this.active) await this.pause(Math.max(sweepEvery, 1000));
      }
      // Counted from the sweep's end: a sweep that took longer than the interval is not followed at once.
      if (full) lastSweep = Date.now();
      lastWasSweep = full;
      if (this.active && this.hints.length === 0 && !this.fullSweepWanted) {
        // Without sweeps, only a kick or a pull falling due wakes the loop (and, with a hand-off
        // between processes, the next look at it).
        const untilSweep = this.sweeps ? sweepEvery - (Date.now() - lastSweep) : MAX_SWEEP_EVERY_MS;
        const untilHints = this.options.hints ? HINT_POLL_MS : untilSweep;
        const untilWork = Math.min(this.pulls.dueIn() ?? untilSweep, this.gathered.dueIn() ?? untilSweep);
        await this.pause(Math.max(10, Math.min(untilSweep, untilHints, untilWork)));
      }
    }
  }

  private takeSweepTurn(sweepEvery: number): Promise<boolean> {
    return this.options.sweepTurn?.take(Math.max(sweepEvery, 1000)) ?? Promise.resolve(true);
  }

  /** Waits `ms`, or until a kick or `stop()` wakes the loop. */
  private async pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
    clearTimeout(this.timer);
    this.wake = null;
  }

  private pass(pullAll = false): Promise<number> {
    // One pass at a time per process; a kick during a pass is served by the next one.
    const next = (this.passing ?? Promise.resolve(0)).catch(() => 0).then(() => this.passOnce(pullAll));
    this.passing = next;
    return next;
  }

  private async passOnce(pullAll: boolean): Promise<number> {
    const full = this.fullSweepWanted;
    this.fullSweepWanted = false;
    const activity = this.activity;
    activity.passes += 1;
    if (full) activity.sweeps += 1;
    let phaseStarted = Date.now();
    const phaseDone = (phase: 'readMs' | 'enqueueMs' | 'appendMs' | 'pullMs'): void => {
      const now = Date.now();
      activity[phase] += now - phaseStarted;
      phaseStarted = now;
    };
    try {
      // A sweep pass leaves the hints to the next pass: a sweep reads at most `maxDocuments` per
      // collection, so a hint dropped here could wait many sweeps behind a backlog. Hints of documents
      // the sweep relays cost the next pass a read or a no-op pull, nothing more.
      const hints = full ? [] : this.hints.splice(0, this.hints.length);
      // Other processes' writes, handed over through Redis (a sweep would find them too, later).
      if (!full && this.options.hints && !this.options.publishOnly) {
        hints.push(...(await this.options.hints.take(HINTS_PER_PASS)));
      }
      const documents: PendingDocument[] = [];
      if (full) {
        // Pulls that fell due go first, so the sweep does not read their documents again.
        await this.pulls.flush(false);
        phaseDone('pullMs');
        const limit = this.options.maxDocuments ?? 500;
        this.sweepBacklog = false;
        for (const collection of this.collections) {
          const found = await this.outbox.pending(collection, limit);
          if (found.length >= limit) this.sweepBacklog = true;
          // Documents whose every entry is chained or enqueued already and waits for its pull here
          // (or to be chained with the next append) need nothing more.
          documents.push(
            ...found.filter((document) => !this.pulls.holds(document) && !this.gathered.holds(document)),
          );
        }
        this.lastScanMs = Date.now() - phaseStarted;
        const now = Date.now();
        this.quietSweeps = documents.some((document) => isLeftover(document, now))
          ? 0
          : Math.min(this.quietSweeps + 1, QUIET_SWEEP_DOUBLINGS);
      } else {
        documents.push(...(await this.hinted(hints)));
      }
      phaseDone('readMs');
      documents.splice(0, documents.length, ...this.completions.relayable(documents));
      if (documents.length === 0 && !this.gathered.isDue() && !pullAll) {
        await this.pulls.flush(pullAll);
        phaseDone('pullMs');
        return 0;
      }
      activity.documents += documents.length;
      // Jobs first: they are Redis adds, and the work they start (clocks, mails) must not wait for the
      // chain's lock. Only the jobs enqueued are pulled; the rest stay for the next pass.
      const relayed: PendingDocument[] = [];
      for (let start = 0; start < documents.length; start += ENQUEUE_DOCUMENTS_AT_ONCE) {
        const some = documents.slice(start, start + ENQUEUE_DOCUMENTS_AT_ONCE);
        relayed.push(...(await Promise.all(some.map((document) => this.enqueueJobs(document)))));
      }
      activity.jobs += relayed.reduce((sum, document) => sum + document.jobs.length, 0);
      phaseDone('enqueueMs');
      // Documents with drafts wait to be chained with the next passes' (see AppendGathering).
      for (const document of relayed) if (document.drafts.length === 0) this.pulls.add(document);
      this.gathered.add(relayed.filter((document) => document.drafts.length > 0));
      const batch = this.gathered.take(pullAll);
      let appended: unknown[] = [];
      try {
        // Drafts chained already (by this process or another, their pull not landed yet) are
        // recognised by id in the appender and not sent again; they are pulled all the same.
        // Completed for the chain only: the pulls below remove the drafts as stored.
        const drafts = await this.completions.complete(orderDrafts(batch));
        activity.drafts += drafts.length;
        appended = drafts.length > 0 ? await this.appender.append(drafts) : [];
      } catch (err) {
        // Tried again with the next pass's (a sweep would find them too).
        this.gathered.add(batch);
        throw err;
      }
      activity.appended += appended.length;
      phaseDone('appendMs');
      for (const document of batch) this.pulls.add(document);
      await this.pulls.flush(pullAll);
      phaseDone('pullMs');
      return appended.length;
    } finally {
      this.logActivity();
    }
  }

  /** One info line per ACTIVITY_LOG_EVERY_MS at most, when the passes since the last one found work. */
  private logActivity(): void {
    const activity = this.activity;
    const periodMs = Date.now() - activity.since;
    if (periodMs < ACTIVITY_LOG_EVERY_MS) return;
    this.activity = freshActivity();
    if (activity.documents === 0 && activity.pullMs < 1000) return;
    this.logger.info(
      { ...activity, since: undefined, periodMs, pullsWaiting: this.pulls.size },
      'audit relay activity',
    );
  }

  /**
   * Enqueues the document's job intents; resolves with the document holding only the jobs now in
   * BullMQ (to pull). An intent that is not a valid job is pulled with an error logged: left in
   * place it would be read, refused and logged on every pass for ever.
   */
  private async enqueueJobs(document: PendingDocument): Promise<PendingDocument> {
    if (document.jobs.length === 0) return document;
    const sink = this.jobs;
    if (!sink) return { ...document, jobs: [] };
    const done = await Promise.all(
      document.jobs.map(async (stored) => {
        const intent = parseStoredIntent(stored);
        if (!intent) {
          this.logger.error(
            { collection: document.collection, id: String(document.id), intent: stored },
            'audit relay: a recorded job is not a valid job for its queue; dropped from the outbox',
          );
          return true;
        }
        try {
          await sink.enqueue(intent);
          return true;
        } catch (err) {
          this.reportFailure(err);
          return false;
        }
      }),
    );
    return { ...document, jobs: document.jobs.filter((_, i) => done[i]) };
  }

  /** The outboxes of hinted documents, one per document with the drafts of all its hints. */
  private async hinted(hints: readonly RelayHint[]): Promise<PendingDocument[]> {
    const byDocument = new Map<string, PendingDocument>();
    const add = (found: PendingDocument): void => {
      if (found.drafts.length === 0 && found.jobs.length === 0) return;
      const known = byDocument.get(documentKey(found));
      byDocument.set(documentKey(found), known ? mergeOutbox(known, found) : found);
    };
    const idsOnly = new Map<string, Map<string, unknown>>();
    for (const hint of hints) {
      if (hint.drafts) {
        add(this.outbox.asStored(hint.collection, hint.id, hint.drafts, hint.jobs));
        continue;
      }
      const ids = idsOnly.get(hint.collection) ?? new Map<string, unknown>();
      ids.set(String(hint.id), hint.id);
      idsOnly.set(hint.collection, ids);
    }
    for (const [collection, ids] of idsOnly) {
      for (const found of await this.outbox.pendingOf(collection, [...ids.values()])) add(found);
    }
    return [...byDocument.values()];
  }
}

/** Drafts of several documents in chain order: by `at`, then document order, then outbox order. */
export function orderDrafts(documents: readonly PendingDocument[]): AuditDraft[] {
  const entries = documents.flatMap((document, docIndex) =>
    document.drafts.map((draft, index) => ({ draft, time: new Date(draft.at).getTime(), docIndex, index })),
  );
  entries.sort((a, b) => a.time - b.time || a.docIndex - b.docIndex || a.index - b.index);
  return entries.map((entry) => entry.draft);
}
