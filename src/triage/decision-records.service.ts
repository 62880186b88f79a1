import type { Connection } from '../platform/db/index.js';
import { DecisionRecordRepository } from './decision-record.repository.js';
import type { DecisionDetails, TriageDecisionRecord } from './decision-record.js';
import type { ClockSpec, DecisionReason, OwedNotification } from './triage-decision.types.js';

/** How many of the records this process stored last it keeps at hand. */
const RECENT_RECORDS = 500;

/**
 * The triage decisions' records: triage stores each decision here before the incident's write names
 * it (`triage.decisionId`); the incident API, the console and the mails read the reasons from here.
 *
 * A record is never changed once stored (only a start-up migration adds to one, see `addOwed`), so the
 * records this process stored last are kept at hand: the dispatch that follows a triage in the same
 * process reads its record from memory instead of the store.
 */
export class DecisionRecords {
  private readonly repository: DecisionRecordRepository;
  /** By id, oldest first (a Map keeps insertion order). */
  private readonly recent = new Map<string, TriageDecisionRecord>();

  constructor(db: Connection) {
    this.repository = new DecisionRecordRepository(db);
  }

  init(): Promise<void> {
    return this.repository.init();
  }

  /** Stores a decision; a repeat of one already stored changes nothing. */
  async record(record: TriageDecisionRecord): Promise<void> {
    // Only what this call stored is kept: on a repeat, the stored record is the one that counts.
    if (await this.repository.insert(record)) {
      this.recent.set(record.id, structuredClone(record));
      for (const oldest of this.recent.keys()) {
        if (this.recent.size <= RECENT_RECORDS) break;
        this.recent.delete(oldest);
      }
    }
  }

  /** The records with these ids (copies: callers may change them); ids with no record are absent. */
  async byIds(ids: readonly string[]): Promise<Map<string, TriageDecisionRecord>> {
    const found = new Map<string, TriageDecisionRecord>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const held = this.recent.get(id);
      if (held) found.set(id, structuredClone(held));
      else missing.push(id);
    }
    if (missing.length > 0) {
      for (const [id, record] of await this.repository.findByIds(missing)) found.set(id, record);
    }
    return found;
  }

  /**
   * Adds to a record the notifications an earlier version kept on its incident (a migration), merged
   * by key with those it holds. False when the record does not exist.
   */
  async addOwed(id: string, owed: readonly OwedNotification[]): Promise<boolean> {
    this.recent.delete(id);
    const record = (await this.repository.findByIds([id])).get(id);
    if (!record) return false;
    const held = new Set(record.owed.map((n) => n.key));
    const missing = owed.filter((n) => !held.has(n.key));
    if (missing.length > 0) await this.repository.setOwed(id, [...record.owed, ...missing]);
    return true;
  }

  /** The clock specs of one decision; null when it has no record. */
  async clocksOf(id: string): Promise<ClockSpec[] | null> {
    const records = await this.byIds([id]);
    return records.get(id)?.clocks ?? null;
  }

  /** The reasons and the notifications owed of each named decision, in one read. */
  async detailsOf(ids: readonly string[]): Promise<Map<string, DecisionDetails>> {
    const records = await this.byIds(ids);
    return new Map([...records].map(([id, record]) => [id, { reasons: record.reasons, owed: record.owed }]));
  }

  /** The reasons of each named decision, in one read. */
  async reasonsOf(ids: readonly string[]): Promise<Map<string, DecisionReason[]>> {
    const records = await this.byIds(ids);
    return new Map([...records].map(([id, record]) => [id, record.reasons]));
  }

  /** The data the audit relay adds to the decisions' events that name these records: their reasons. */
  async reasonsForAudit(ids: readonly string[]): Promise<Map<string, { reasons: DecisionReason[] }>> {
    const reasons = await this.reasonsOf(ids);
    return new Map([...reasons].map(([id, list]) => [id, { reasons: list }]));
  }
}
