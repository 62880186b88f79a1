import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditDraft } from '../audit/index.js';
import type { Logger } from '../platform/index.js';
import type { AttemptOutcome, MailDeliveryRepository } from './mail-delivery.repository.js';
import type { MailDelivery } from './notification.types.js';

/*
 * Leases on delivery-ledger rows: what they guarantee, per row.
 *
 * Guaranteed:
 * - one sender at a time: a row `sending` under a live lease is claimed by nobody (not even a re-run of
 *   the same notification), and a sender starts a send only while `sendMarginMs` of its lease is left
 *   (the transport checks `notAfter` when the message gets a connection), so a process paused between
 *   claim and send past that point sends nothing;
 * - the process that sent records the outcome: it retries the ledger write while the store is away,
 *   until its lease ends, instead of failing the job (whose retry would claim the row and send again).
 *   The write is conditional on the attempt number: it lands whenever it gets through before someone
 *   re-claims the row, and is ignored after that.
 *
 * Not guaranteed:
 * - a sender killed between the server's 250 and the ledger write, or a store away for the whole rest
 *   of the lease, leaves the row `sending`; once the lease ends a retry claims it and sends once more.
 *   That copy has the same deterministic Message-ID, so receivers can drop it (the outbox transport
 *   keeps one file per Message-ID and treats an existing one as sent);
 * - promptness after a lost reply: a claim the store applied but whose reply was lost (it crashed right
 *   after the write) holds the row for the whole lease, and the job's retry waits for it to end;
 * - leases compare the clocks of different processes: they must agree to well within the margin;
 * - a send that started must end within the margin, which the transport's timeouts bound (a server
 *   that keeps answering slowly for minutes could outlast it).
 */

/** How long a claim on a ledger row lasts, and how much of it a send must have left to start. */
export interface LeaseTiming {
  /** How long a claimed row belongs to its claimer; nobody else may claim it meanwhile. */
  leaseMs: number;
  /**
   * A send starts only while at least this much of the claim is left: the longest send the transport
   * timeouts let run (connect 10 s, greeting 10 s, each reply idle up to 30 s), clock differences
   * between processes, and time to record the outcome while the store is briefly away.
   */
  sendMarginMs: number;
}

export const DEFAULT_LEASE_TIMING: LeaseTiming = { leaseMs: 5 * 60_000, sendMarginMs: 2 * 60_000 };

/** A row as its claim returned it, with the lease that claim holds. */
export interface HeldClaim {
  row: MailDelivery;
  leaseUntil: Date;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 500);

/**
 * Writes the outcome of the attempt `claim` holds, retrying with backoff (0.25 s doubling to 5 s)
 * while the store is unavailable (FerretDB restarting), for as long as the lease lasts. Returns false
 * when someone claimed the row since.
 * @throws the store's error once the lease is over: the job fails and its retry claims the row again.
 */
export async function recordWithinLease(
  ledger: MailDeliveryRepository,
  logger: Logger,
  claim: HeldClaim,
  outcome: AttemptOutcome,
  draft: AuditDraft,
): Promise<boolean> {
  const { row, leaseUntil } = claim;
  let pauseMs = 250;
  for (;;) {
    try {
      return await ledger.finish(row.key, row.attempts, outcome, draft);
    } catch (err) {
      const leftMs = leaseUntil.getTime() - Date.now();
      if (leftMs <= 0) throw err;
      logger.warn(
        { recipient: row.recipient, attempt: row.attempts, outcome: outcome.status, err: message(err) },
        'delivery outcome not recorded yet; retrying',
      );
      await sleep(Math.min(pauseMs, leftMs));
      pauseMs = Math.min(pauseMs * 2, 5000);
    }
  }
}
