import type { Connection } from '../platform/db/index.js';
import { DecisionRecordRepository } from './decision-record.repository.js';
import type { DecisionDetails, TriageDecisionRecord } from './decision-record.js';
import type { ClockSpec, DecisionReason, OwedNotification } from './triage-decision.types.js';

/**
 * The triage decisions' records: triage stores each decision here before the incident's write names
 * it (`triage.decisionId`); the incident API, the console and the mails read the reasons from here.
 */
export class DecisionRecords {
  private readonly repository: DecisionRecordRepository;

  constructor(db: Connection) {
    this.repository = new DecisionRecordRepository(db);
  }

  init(): Promise<void> {
    return this.repository.init();
  }

  /** Stores a decision; a repeat of one already stored changes nothing. */
  record(record: TriageDecisionRecord): Promise<void> {
    return this.repository.insert(record);
  }

  byIds(ids: readonly string[]): Promise<Map<string, TriageDecisionRecord>> {
    return this.repository.findByIds(ids);
  }

  /**
   * Adds to a record the notifications an earlier version kept on its incident (a migration), merged
   * by key with those it holds. False when the record does not exist.
   */
  async addOwed(id: string, owed: readonly OwedNotification[]): Promise<boolean> {
    const record = (await this.repository.findByIds([id])).get(id);
    if (!record) return false;
    const held = new Set(record.owed.map((n) => n.key));
    const missing = owed.filter((n) => !held.has(n.key));
    if (missing.length > 0) await this.repository.setOwed(id, [...record.owed, ...missing]);
    return true;
  }

  /** The clock specs of one decision; null when it has no record. */
  async clocksOf(id: string): Promise<ClockSpec[] | null> {
    const records = await this.repository.findByIds([id]);
    return records.get(id)?.clocks ?? null;
  }

  /** The reasons and the notifications owed of each named decision, in one read. */
  async detailsOf(ids: readonly string[]): Promise<Map<string, DecisionDetails>> {
    const records = await this.repository.findByIds(ids);
    return new Map([...records].map(([id, record]) => [id, { reasons: record.reasons, owed: record.owed }]));
  }

  /** The reasons of each named decision, in one read. */
  async reasonsOf(ids: readonly string[]): Promise<Map<string, DecisionReason[]>> {
    const records = await this.repository.findByIds(ids);
    return new Map([...records].map(([id, record]) => [id, record.reasons]));
  }
}
