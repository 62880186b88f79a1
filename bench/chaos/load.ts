// Offers reports at a steady rate over the API processes, as well-behaved clients: each report has its
// own Idempotency-Key and is retried with the same key and body on network errors, 5xx and 429.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { reportBody, uniqueIndicator } from '../../test/factories/incident.factory.js';

/** One report a client offered, and what came of it. */
export interface Offer {
  key: string;
  /** The report's title carries its key, so the database shows duplicates per key. */
  title: string;
  body: string;
  reporter: string;
  attempts: number;
  /** The incident id of the 201/200 answer; null until acknowledged. */
  incidentId: string | null;
  /** A 4xx other than 429: the request was refused for good. */
  rejected: { status: number; body: string } | null;
  /** Still unacknowledged when its retry time ran out. */
  gaveUp: boolean;
  /** Answers by status (`net` for a network error or timeout). */
  answers: Record<string, number>;
  /** The bureau's follow-up sent once the report is acknowledged (`CHAOS_FOLLOW_UP_EVERY`), or null. */
  followUp: FollowUp | null;
}

/**
 * A follow-up and what came of it. It has no Idempotency-Key (the API takes none for follow-ups), so
 * a retry after an answer lost in a crash may store it twice: the checks allow `acknowledged` to
 * `acknowledged + unanswered` records.
 */
export interface FollowUp {
  attempts: number;
  /** 201 answers (1 once delivered). */
  acknowledged: number;
  /** Attempts that ended in a network error, a timeout or a 5xx: stored or not, unknown. */
  unanswered: number;
  rejected: { status: number; body: string } | null;
  gaveUp: boolean;
}

/** A material follow-up: a new round of triage, with the director's notification it adds. */
const FOLLOW_UP = JSON.stringify({
  note: 'Chaos follow-up: the press has asked about the outage.',
  flags: { mediaInterest: true },
});

const CATEGORIES = [
  'ransomware',
  'malware_infection',
  'denial_of_service',
  'website_defacement',
  'compromise',
];
/** Reports sharing this indicator across bureaux form a campaign (triage links them). */
const CAMPAIGN_INDICATOR = { type: 'domain', value: 'chaos-campaign.example' };
const REQUEST_TIMEOUT_MS = 20_000;

export interface LoadOptions {
  rate: number;
  /** Every how many reports one gets a follow-up once acknowledged; 0: none. */
  followUpEvery: number;
  /** Base URLs of the API processes (read per request: restarts keep their ports). */
  apis: readonly string[];
  reporters: ReadonlyArray<{ bureauId: string; key: string }>;
}

export class Load {
  readonly offers: Offer[] = [];
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private retryUntil = Infinity;

  constructor(private readonly options: LoadOptions) {}

  /** Starts offering `rate` reports per second. */
  start(): void {
    this.timer = setInterval(() => {
      this.offerOne();
    }, 1000 / this.options.rate);
  }

  /** Stops offering; reports not yet acknowledged keep retrying for `retrySeconds`, then give up. */
  async stop(retrySeconds: number): Promise<void> {
    clearInterval(this.timer);
    this.retryUntil = Date.now() + retrySeconds * 1000;
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  acknowledged(): Offer[] {
    return this.offers.filter((offer) => offer.incidentId !== null);
  }

  /** One fresh report to `base`, once, no retry: is intake answering there right now? */
  async probe(base: string): Promise<{ api: string; status: number | 'net'; ok: boolean }> {
    const offer = this.newOffer(this.offers.length);
    const answer = await this.post(base, offer);
    return { api: base, status: answer.status, ok: answer.status === 201 && answer.id !== null };
  }

  private offerOne(): void {
    const n = this.offers.length;
    const offer = this.newOffer(n);
    this.offers.push(offer);
    const task = this.deliver(offer, n).finally(() => this.running.delete(task));
    this.running.add(task);
  }

  private newOffer(n: number): Offer {
    const reporter = this.options.reporters.at(n % this.options.reporters.length);
    if (!reporter) throw new Error('no reporter key');
    const key = `chaos-${randomUUID()}`;
    const title = `Chaos report ${key}`;
    const indicators = [uniqueIndicator(), ...(n % 8 === 0 ? [CAMPAIGN_INDICATOR] : [])];
    return {
      key,
      title,
      body: JSON.stringify(reportBody({ title, category: CATEGORIES[n % CATEGORIES.length], indicators })),
      reporter: reporter.key,
      attempts: 0,
      incidentId: null,
      rejected: null,
      gaveUp: false,
      answers: {},
      followUp: null,
    };
  }

  /** Sends until acknowledged or refused; each retry goes to the next API process, like a balancer. */
  private async deliver(offer: Offer, first: number): Promise<void> {
    const apis = this.options.apis;
    for (let attempt = 0; ; attempt++) {
      const base = apis[(first + attempt) % apis.length] ?? '';
      offer.attempts += 1;
      const answer = await this.post(base, offer);
      offer.answers[answer.status] = (offer.answers[answer.status] ?? 0) + 1;
      if (answer.status === 200 || answer.status === 201) {
        offer.incidentId = answer.id;
        if (offer.incidentId === null) offer.rejected = { status: answer.status, body: answer.text };
        else if (this.options.followUpEvery > 0 && (first + 1) % this.options.followUpEvery === 0)
          await this.followUp(offer, offer.incidentId, first + attempt + 1);
        return;
      }
      if (answer.status !== 'net' && answer.status !== 429 && answer.status < 500) {
        offer.rejected = { status: answer.status, body: answer.text.slice(0, 300) };
        return;
      }
      if (Date.now() > this.retryUntil) {
        offer.gaveUp = true;
        return;
      }
      await sleep(Math.min(3000, 250 * 2 ** Math.min(attempt, 4)));
    }
  }

  /** Sends the follow-up until acknowledged or refused, retrying as the report was. */
  private async followUp(offer: Offer, incidentId: string, next: number): Promise<void> {
    const apis = this.options.apis;
    const sent: FollowUp = { attempts: 0, acknowledged: 0, unanswered: 0, rejected: null, gaveUp: false };
    offer.followUp = sent;
    for (let attempt = 0; ; attempt++) {
      const base = apis[(next + attempt) % apis.length] ?? '';
      sent.attempts += 1;
      let status: number | 'net';
      let text: string;
      try {
        const res = await fetch(`${base}/api/v1/incidents/${incidentId}/updates`, {
          method: 'POST',
          headers: { authorization: `Bearer ${offer.reporter}`, 'content-type': 'application/json' },
          body: FOLLOW_UP,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        status = res.status;
        text = await res.text();
      } catch (err) {
        status = 'net';
        text = (err as Error).message;
      }
      if (status === 201) {
        sent.acknowledged += 1;
        return;
      }
      if (status === 'net' || status >= 500) sent.unanswered += 1;
      else if (status !== 429) {
        sent.rejected = { status, body: text.slice(0, 300) };
        return;
      }
      if (Date.now() > this.retryUntil) {
        sent.gaveUp = true;
        return;
      }
      await sleep(Math.min(3000, 250 * 2 ** Math.min(attempt, 4)));
    }
  }

  private async post(
    base: string,
    offer: Offer,
  ): Promise<{ status: number | 'net'; id: string | null; text: string }> {
    try {
      const res = await fetch(`${base}/api/v1/incidents`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${offer.reporter}`,
          'content-type': 'application/json',
          'idempotency-key': offer.key,
        },
        body: offer.body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text();
      let id: string | null = null;
      try {
        const parsed = JSON.parse(text) as { id?: unknown };
        if (typeof parsed.id === 'string') id = parsed.id;
      } catch {
        // not JSON: an error page
      }
      return { status: res.status, id, text };
    } catch (err) {
      return { status: 'net', id: null, text: (err as Error).message };
    }
  }
}
