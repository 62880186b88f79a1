// Waits until the system is quiet after the load: nothing left to do anywhere, twice in a row.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Observer } from './observe.js';
import type { SmtpSink } from './smtp-sink.js';

export interface DrainReport {
  quiet: boolean;
  seconds: number;
  /** When the look that found it quiet began: writes after it are new work, not leftovers. */
  quietAt: Date;
  /** Why it was not quiet at the last look (empty when quiet). */
  notQuiet: string[];
}

const POLL_MS = 3000;
const PROGRESS_MS = 20_000;

/** What is still going on, in words; empty when nothing is. */
async function busyness(observer: Observer, acknowledged: ReadonlySet<string>): Promise<string[]> {
  const reasons: string[] = [];
  const incidents = await observer.incidents();
  const present = new Map(incidents.map((i) => [i.id, i]));
  const untriaged = [...acknowledged].filter((id) => {
    const incident = present.get(id);
    return !incident || !incident.triaged || incident.triagePending;
  }).length;
  if (untriaged > 0) reasons.push(`${untriaged} acknowledged reports not triaged`);
  const unrequested = incidents.reduce((sum, i) => sum + i.unrequestedNotifications, 0);
  if (unrequested > 0) reasons.push(`${unrequested} incident notifications not yet requested`);
  const outbox = await observer.outboxDrafts();
  if (outbox.drafts > 0)
    reasons.push(`${outbox.drafts} outbox drafts in ${JSON.stringify(outbox.byCollection)}`);
  if (outbox.jobs > 0)
    reasons.push(`${outbox.jobs} recorded jobs not enqueued in ${JSON.stringify(outbox.jobsByCollection)}`);
  const notifications = await observer.statusCounts('notifications');
  const unsent = (notifications.queued ?? 0) + (notifications.deferred ?? 0);
  if (unsent > 0) reasons.push(`${unsent} notifications queued or deferred`);
  const deliveries = await observer.statusCounts('mail_deliveries');
  const open = (deliveries.queued ?? 0) + (deliveries.sending ?? 0) + (deliveries.deferred ?? 0);
  if (open > 0) reasons.push(`${open} deliveries queued, sending or deferred`);
  for (const [name, state] of Object.entries(await observer.queueStates())) {
    if (state.busy > 0) reasons.push(`${state.busy} ${name} jobs waiting or active`);
    if (state.dueOrRetrying > 0)
      reasons.push(`${state.dueOrRetrying} ${name} jobs delayed (retry or overdue)`);
  }
  return reasons;
}

/**
 * Polls until nothing is left to do and the trail and mailbox stopped growing across two looks, or
 * until `timeoutMs`. Errors while looking (a store still recovering) count as not quiet.
 */
export async function waitQuiet(
  observer: Observer,
  acknowledged: ReadonlySet<string>,
  smtp: SmtpSink,
  timeoutMs: number,
  say: (line: string) => void,
): Promise<DrainReport> {
  const started = Date.now();
  let lastProgress = started;
  let previous: string | null = null;
  let reasons: string[];
  for (;;) {
    const lookStarted = Date.now();
    try {
      reasons = await busyness(observer, acknowledged);
    } catch (err) {
      reasons = [`could not look: ${(err as Error).message}`];
    }
    const events = await observer.db.db
      ?.collection('audit_events')
      .estimatedDocumentCount()
      .catch(() => -1);
    const signature = `${String(events)}/${smtp.accepted}`;
    const seconds = Math.round((Date.now() - started) / 1000);
    const quietAt = new Date(lookStarted);
    if (reasons.length === 0 && signature === previous)
      return { quiet: true, seconds, quietAt, notQuiet: [] };
    previous = reasons.length === 0 ? signature : null;
    if (Date.now() - started > timeoutMs) return { quiet: false, seconds, quietAt, notQuiet: reasons };
    if (Date.now() - lastProgress > PROGRESS_MS) {
      lastProgress = Date.now();
      say(`  draining ${seconds}s: ${reasons.join('; ') || 'settling'}`);
    }
    // A look reads whole collections (FerretDB scans them): at most a third of the time goes to
    // looking, so the drain does not slow down the work it waits for.
    await sleep(Math.max(POLL_MS, 2 * (Date.now() - lookStarted)));
  }
}
