import { auditDraft, type AuditDraft } from '../audit/index.js';
import type { Actor } from '../auth/index.js';
import { readDecideWrite, type Decision } from '../platform/db/index.js';
import { AppError, ConflictError, NotFoundError } from '../platform/index.js';
import { parseOrThrow } from '../platform/http/index.js';
import { DRAFT_DEFAULTS } from './advisory-drafts.js';
import type { AdvisoryActorRef, AdvisoryRecord, StoredRevision } from './advisory.records.js';

/** An approval decided on one read of the advisory: the revisions to store and its audit event. */
interface Approval {
  revisions: StoredRevision[];
  draft: AuditDraft;
}
import type { AdvisoryRepository } from './advisory.repository.js';
import {
  advisoryContentSchema,
  type AdvisoryContent,
  type draftAdvisorySchema,
  type reviseAdvisorySchema,
} from './advisory.schemas.js';
import type { z } from 'zod';

type DraftInput = z.output<typeof draftAdvisorySchema>;
type ReviseInput = z.output<typeof reviseAdvisorySchema>;

const refOf = (actor: Actor): AdvisoryActorRef => ({
  userId: actor.userId,
  name: actor.name,
  role: actor.role,
});
/**
 * 403: four eyes. The person who wrote a revision may not approve it; another lead must read it first.
 * Refused with the permission held, so it is not the role's refusal (`forbidden`) but this one.
 */
export class SelfApprovalError extends AppError {
  readonly status = 403;
  readonly code = 'four_eyes_required';
  constructor(ref: string, revision: number) {
    super(`You wrote revision ${revision} of ${ref}; another lead must approve it (four eyes).`, {
      help: 'Ask a lead who did not write this revision to read and approve it.',
    });
  }
}

/** Tracking ids: `GOVCERT-HK-<year>-<4 digits>`. */
export const advisoryRef = (year: number, seq: number): string =>
  `GOVCERT-HK-${year}-${String(seq).padStart(4, '0')}`;

/**
 * Drafting and approval. Every edit is a new revision holding a full copy of the content (history is
 * never rewritten); a lead approves one specific revision; each change is audited in the same write.
 */
export class AdvisoryService {
  constructor(private readonly repository: AdvisoryRepository) {}

  /** Drafts a new advisory from a template (default blank); 422 when the merged content is incomplete. */
  async draft(actor: Actor, input: DraftInput): Promise<AdvisoryRecord> {
    const { template, note, ...fields } = input;
    const defined = Object.fromEntries(
      Object.entries(fields).filter(([, v]) => (v as unknown) !== undefined),
    );
    const content = parseOrThrow(advisoryContentSchema, { ...DRAFT_DEFAULTS[template], ...defined }, 'body');
    const now = new Date();
    const ref = advisoryRef(now.getUTCFullYear(), await this.repository.nextSequence(now.getUTCFullYear()));
    const revision = this.revision(actor, 1, content, note ?? `Drafted from the ${template} template`, now);
    return this.repository.insert(
      {
        ref,
        latestRevision: 1,
        revisions: [revision],
        sends: [],
        createdAt: now,
        createdBy: refOf(actor),
        updatedAt: now,
      },
      (id) =>
        auditDraft(
          actor,
          'advisory.drafted',
          { type: 'advisory', id, ref },
          {
            changes: [{ field: 'revision.1', before: null, after: content }],
            data: { template },
          },
        ),
    );
  }

  /** Adds a revision on top of `baseRevision`; 409 `revision_conflict` when someone else edited first. */
  async revise(actor: Actor, id: string, input: ReviseInput): Promise<AdvisoryRecord> {
    const advisory = await this.require(id);
    if (advisory.latestRevision !== input.baseRevision) {
      throw new ConflictError(
        `Revision ${input.baseRevision} is not the latest (${advisory.latestRevision}); reload and edit again.`,
        'revision_conflict',
      );
    }
    const previous = this.revisionOf(advisory, advisory.latestRevision);
    const defined = Object.fromEntries(
      Object.entries(input.changes).filter(([, v]) => (v as unknown) !== undefined),
    );
    const content = parseOrThrow(advisoryContentSchema, { ...previous.content, ...defined }, 'body.changes');
    const number = advisory.latestRevision + 1;
    const draft = this.audit(actor, advisory, 'advisory.revised', {
      changes: Object.keys(defined).map((field) => ({
        field,
        before: previous.content[field as keyof AdvisoryContent] ?? null,
        after: content[field as keyof AdvisoryContent] ?? null,
      })),
      data: { revision: number, note: input.note },
    });
    const updated = await this.repository.appendRevision(
      id,
      advisory.latestRevision,
      this.revision(actor, number, content, input.note),
      draft,
    );
    if (!updated)
      throw new ConflictError(
        'The advisory changed while saving; reload and edit again.',
        'revision_conflict',
      );
    return updated;
  }

  /**
   * Approves one revision (idempotent); 404 for an unknown revision. Four eyes: its author may not
   * approve it (403 `four_eyes_required`, the refusal audited).
   */
  async approve(actor: Actor, id: string, number: number): Promise<AdvisoryRecord> {
    return readDecideWrite({
      read: () => this.require(id),
      decide: async (advisory): Promise<Decision<Approval, AdvisoryRecord>> => {
        const target = this.revisionOf(advisory, number);
        if (target.createdBy.userId === actor.userId) {
          await this.repository.audit(
            id,
            this.audit(actor, advisory, 'advisory.approve_refused', {
              data: { revision: number, reason: 'four_eyes_required' },
            }),
          );
          throw new SelfApprovalError(advisory.ref, number);
        }
        if (target.approvedAt !== null) return { done: advisory };
        const now = new Date();
        const revisions = advisory.revisions.map((r) =>
          r.number === number ? { ...r, approvedAt: now, approvedBy: refOf(actor) } : r,
        );
        const draft = this.audit(actor, advisory, 'advisory.approved', {
          changes: [{ field: `revision.${number}.approved`, before: false, after: true }],
          data: { revision: number, tlp: target.content.tlp },
        });
        return { write: { revisions, draft } };
      },
      // Guarded on the latest revision number read (an edit moves it). An approval does not move it,
      // so two approvals of different revisions at once can still overwrite each other's array.
      write: ({ revisions, draft }, advisory) =>
        this.repository.setRevisions(id, advisory.latestRevision, revisions, draft),
      exhausted: () => new ConflictError('The advisory kept changing; try again.', 'revision_conflict'),
    });
  }

  /** The advisory; 404 when there is none. */
  async require(id: string): Promise<AdvisoryRecord> {
    const advisory = await this.repository.findById(id);
    if (!advisory) throw new NotFoundError('Advisory');
    return advisory;
  }

  list(limit: number): Promise<AdvisoryRecord[]> {
    return this.repository.list(limit);
  }

  /** Revision `number` of the advisory; 404 when it does not exist. */
  revisionOf(advisory: AdvisoryRecord, number: number): StoredRevision {
    const revision = advisory.revisions.find((r) => r.number === number);
    if (!revision) throw new NotFoundError(`Revision ${number} of ${advisory.ref}`);
    return revision;
  }

  /** An audit draft about this advisory. */
  audit(
    actor: Actor,
    advisory: AdvisoryRecord,
    action: string,
    options: Parameters<typeof auditDraft>[3],
  ): AuditDraft {
    return auditDraft(actor, action, { type: 'advisory', id: advisory.id, ref: advisory.ref }, options);
  }

  private revision(
    actor: Actor,
    number: number,
    content: AdvisoryContent,
    note: string,
    at = new Date(),
  ): StoredRevision {
    return {
      number,
      content,
      note,
      createdAt: at,
      createdBy: refOf(actor),
      approvedAt: null,
      approvedBy: null,
    };
  }
}
