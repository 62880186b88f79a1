import { isDuplicateKeyError, type Connection } from '../platform/db/index.js';
import { incidentModels, type IncidentModels } from './incident.model.js';

/** A stored idempotency key: the incident id chosen by the first request and the hash of its body. */
export interface IdempotencyRecord {
  keyHash: string;
  bodyHash: string;
  incidentId: string;
}

/**
 * Idempotency keys of create requests. The record is inserted before the incident, holding the id the
 * incident will get, so a retry after a crash anywhere finds the id and completes or returns it.
 */
export class IdempotencyRepository {
  private readonly models: IncidentModels;

  constructor(db: Connection) {
    this.models = incidentModels(db);
  }

  /** Stores `record` unless the key is already known; returns the record that holds the key. */
  async claim(record: IdempotencyRecord): Promise<{ record: IdempotencyRecord; first: boolean }> {
    try {
      await this.models.IdempotencyKey.create({
        _id: record.keyHash,
        bodyHash: record.bodyHash,
        incidentId: record.incidentId,
        createdAt: new Date(),
      });
      return { record, first: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    const existing = await this.models.IdempotencyKey.findById(record.keyHash).lean();
    if (!existing) throw new Error('idempotency key vanished after a duplicate-key error');
    return {
      record: { keyHash: existing._id, bodyHash: existing.bodyHash, incidentId: existing.incidentId },
      first: false,
    };
  }
}
