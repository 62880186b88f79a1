import type { Logger } from '../platform/index.js';
import type { AuditDraft } from './audit-draft.js';
import type { PendingDocument } from './pending-document.js';

/** The data each named record adds to the drafts that name it; a record not found is absent. */
export type DraftCompleter = (
  ids: readonly string[],
) => Promise<ReadonlyMap<string, Readonly<Record<string, unknown>>>>;

/**
 * The completers a relay knows (see `DraftCompletion`): the data of drafts that name a record is read
 * from it, for all the drafts of a pass in one call per source, just before they are chained.
 */
export class DraftCompletions {
  private readonly completers = new Map<string, DraftCompleter>();
  private readonly reported = new Set<string>();

  constructor(private readonly logger: Logger) {}

  register(source: string, completer: DraftCompleter): void {
    this.completers.set(source, completer);
  }

  /**
   * Documents this relay can chain: one with a draft whose data it cannot add (a tool's relay built
   * without the completer) is left whole, jobs included, for a relay that can, so its drafts are never
   * chained without their data or out of order.
   */
  relayable(documents: readonly PendingDocument[]): PendingDocument[] {
    return documents.filter((document) => {
      const unknown = document.drafts.find(
        (draft) => draft.completeFrom && !this.completers.has(draft.completeFrom.source),
      )?.completeFrom?.source;
      if (unknown === undefined) return true;
      if (!this.reported.has(unknown)) {
        this.reported.add(unknown);
        this.logger.warn(
          { source: unknown, collection: document.collection },
          'audit relay: drafts name data this process cannot read; left for a process that can',
        );
      }
      return false;
    });
  }

  /** The drafts with their data added, in the same order; what names no record is returned as it is. */
  async complete(drafts: readonly AuditDraft[]): Promise<AuditDraft[]> {
    const idsBySource = new Map<string, Set<string>>();
    for (const { completeFrom } of drafts) {
      if (!completeFrom) continue;
      const ids = idsBySource.get(completeFrom.source) ?? new Set<string>();
      ids.add(completeFrom.id);
      idsBySource.set(completeFrom.source, ids);
    }
    if (idsBySource.size === 0) return [...drafts];
    const found = new Map<string, ReadonlyMap<string, Readonly<Record<string, unknown>>>>();
    for (const [source, ids] of idsBySource) {
      const completer = this.completers.get(source);
      if (!completer) throw new Error(`no completer for audit drafts of ${source}`);
      found.set(source, await completer([...ids]));
    }
    return drafts.map((draft) => {
      const { completeFrom, ...plain } = draft;
      if (!completeFrom) return draft;
      const data = found.get(completeFrom.source)?.get(completeFrom.id);
      if (data) return { ...plain, data: { ...plain.data, ...data } };
      // Records are stored before the write that names them and never deleted: this is damage. The
      // event is chained all the same, saying what is missing, rather than holding the trail back.
      this.logger.error(
        { eventId: draft.eventId, source: completeFrom.source, id: completeFrom.id },
        'audit relay: the record a draft names is missing; chained without its data',
      );
      return {
        ...plain,
        data: { ...plain.data, missingRecord: `${completeFrom.source}:${completeFrom.id}` },
      };
    });
  }
}
