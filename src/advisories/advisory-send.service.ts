import type { Actor } from '../auth/index.js';
import type {
  NotificationRecipient,
  NotificationService,
  RecipientListService,
} from '../notifications/index.js';
import { AppError, ConflictError, ValidationError } from '../platform/index.js';
import { mailAdvisory } from './advisory-mail.js';
import type { AdvisoryRecord, StoredRevision } from './advisory.records.js';
import type { AdvisoryRepository } from './advisory.repository.js';
import type { AdvisoryService } from './advisory.service.js';
import type { AdvisoryContent, NamedRecipientInput, sendAdvisorySchema } from './advisory.schemas.js';
import type { TlpLevel } from './advisory.types.js';
import type { RecipientDirectory } from './recipient-directory.js';
import { checkDistribution, tlpLabel, type DistributionRefusal, type RefusalCode } from './tlp.js';
import type { z } from 'zod';

type SendInput = z.output<typeof sendAdvisorySchema>;

/** The CERT as sender: AMBER+STRICT compares recipients' organisations with it. */
export const SENDER_ORGANISATION = 'GovCERT.HK';

/** 422: the TLP of the revision does not allow these recipients; nothing was queued. */
export class DistributionRefusedError extends AppError {
  readonly status = 422;
  readonly code = 'tlp_distribution_refused';
  constructor(tlp: string, refusals: DistributionRefusal[]) {
    super(`${tlp} does not allow sending to ${refusals.length} of the recipients; nothing was sent.`, {
      details: refusals.map((r) => ({ path: r.recipient.address, message: r.reason })),
      help: 'Remove the refused recipients or lists, or re-mark the advisory in a new approved revision.',
    });
  }
}

/** 422: a TLP:RED or AMBER+STRICT send names addresses the recipient directory does not know. */
export class UnknownRecipientError extends AppError {
  readonly status = 422;
  readonly code = 'recipient_unknown';
  constructor(tlp: string, addresses: string[]) {
    super(
      `${tlp} goes only to recipients in the directory; unknown: ${addresses.join(', ')}. Nothing was sent.`,
      {
        details: addresses.map((address) => ({ path: address, message: 'not in the recipient directory' })),
        help: 'Add the person as a user, a bureau contact or a recipient list member, then send again.',
      },
    );
  }
}

/** 422: a named recipient's stated organisation or circle contradicts the recipient directory. */
export class RecipientClassificationError extends AppError {
  readonly status = 422;
  readonly code = 'recipient_classification_conflict';
  constructor(conflicts: Array<{ address: string; message: string }>) {
    super('Organisation and circle come from the recipient directory; the request contradicts it.', {
      details: conflicts.map((c) => ({ path: c.address, message: c.message })),
      help: 'Omit organisation and circle from named recipients (deprecated; the directory decides).',
    });
  }
}

/** 409: a TLP:RED or AMBER+STRICT send names people the approved revision does not name. */
export class RecipientsNotApprovedError extends ConflictError {
  constructor(tlp: string, revision: number, addresses: string[]) {
    super(
      `${tlp}: revision ${revision} was not approved for ${addresses.join(', ')}; nothing was sent.`,
      'recipients_not_approved',
      {
        details: addresses.map((address) => ({
          path: address,
          message: 'not a named recipient of the revision',
        })),
        help: 'Add them to namedRecipients in a new revision and have a lead approve it.',
      },
    );
  }
}

/** Levels whose named recipients must be approved with the revision and known to the directory. */
const NAMED_ONLY: ReadonlySet<TlpLevel> = new Set(['RED', 'AMBER+STRICT']);

/** What a send queued. */
export interface SendReceipt {
  notificationId: string;
  revision: number;
  tlp: string;
  recipients: string[];
  status: 'queued';
}

/** What a send would do ({@link AdvisorySendService.check}): each recipient with its refusal, if any. */
export interface SendCheck {
  revision: number;
  tlp: string;
  /** True when the TLP allows every recipient. */
  allowed: boolean;
  recipients: Array<
    NotificationRecipient & { refusal: { code: RefusalCode; reason: string; target: string | null } | null }
  >;
}

/**
 * Sends an approved revision: resolves lists and named recipients (organisation and circle from the
 * recipient directory, never from the request), refuses (422, audited, nothing queued) what its TLP
 * does not allow, then stores one notification whose per-recipient ledger rows
 * make the delivery status visible on the advisory.
 */
export class AdvisorySendService {
  constructor(
    private readonly advisories: AdvisoryService,
    private readonly notifications: NotificationService,
    private readonly lists: RecipientListService,
    private readonly repository: AdvisoryRepository,
    private readonly directory: RecipientDirectory,
  ) {}

  /**
   * What a send with `input` would do, without sending or auditing anything: the revision, and every
   * recipient (lists resolved, classified by the directory) with the reason its TLP refuses it, if it
   * does. Throws what the send would throw before its TLP check (not approved, unknown or unapproved
   * named recipients, no recipient at all).
   */
  async check(id: string, input: SendInput): Promise<SendCheck> {
    const advisory = await this.advisories.require(id);
    const { revision, recipients, check } = await this.resolve(advisory, input);
    const refused = new Map(check.allowed ? [] : check.reasons.map((r) => [r.recipient.address, r]));
    return {
      revision: revision.number,
      tlp: tlpLabel(revision.content.tlp),
      allowed: check.allowed,
      recipients: recipients.map((r) => {
        const refusal = refused.get(r.address);
        return {
          ...r,
          refusal: refusal
            ? { code: refusal.code, reason: refusal.reason, target: refusal.target ?? null }
            : null,
        };
      }),
    };
  }

  async send(actor: Actor, id: string, input: SendInput): Promise<SendReceipt> {
    const advisory = await this.advisories.require(id);
    const { revision, recipients, check } = await this.resolve(advisory, input);
    const content = revision.content;
    if (!check.allowed) {
      await this.repository.audit(
        id,
        this.advisories.audit(actor, advisory, 'advisory.send_refused', {
          data: {
            revision: revision.number,
            tlp: content.tlp,
            refused: check.reasons.map((r) => ({ address: r.recipient.address, reason: r.reason })),
          },
        }),
      );
      throw new DistributionRefusedError(tlpLabel(content.tlp), check.reasons);
    }
    const notification = await this.notifications.request(actor, {
      kind: 'advisory',
      template: 'advisory',
      advisoryId: advisory.id,
      revision: revision.number,
      recipients,
      loadIncident: false,
      data: { advisory: mailAdvisory(advisory, revision) },
    });
    const addresses = recipients.map((r) => r.address);
    await this.repository.addSend(
      id,
      {
        notificationId: notification.id,
        revision: revision.number,
        lists: input.lists,
        recipients: addresses,
        at: new Date(),
        by: { userId: actor.userId, name: actor.name, role: actor.role },
      },
      this.advisories.audit(actor, advisory, 'advisory.sent', {
        data: {
          revision: revision.number,
          tlp: content.tlp,
          notificationId: notification.id,
          lists: input.lists,
          recipients: addresses,
        },
      }),
    );
    return {
      notificationId: notification.id,
      revision: revision.number,
      tlp: tlpLabel(content.tlp),
      recipients: addresses,
      status: 'queued',
    };
  }

  /** The revision a send takes, its recipients (lists and named people, once each) and its TLP check. */
  private async resolve(advisory: AdvisoryRecord, input: SendInput) {
    const revision = this.approvedRevision(advisory, input.revision);
    const content = revision.content;
    const fromLists = await this.lists.resolveAll(input.lists);
    const named = await this.named(content, revision.number, input.recipients);
    const recipients = dedupe([...named, ...fromLists]);
    if (recipients.length === 0) {
      throw new ValidationError([
        { path: 'body', message: 'name at least one list or recipient (or approve named recipients)' },
      ]);
    }
    const check = checkDistribution(content.tlp, recipients, SENDER_ORGANISATION, {
      ...(content.targetOrganisation === undefined ? {} : { targetOrganisation: content.targetOrganisation }),
    });
    return { revision, recipients, check };
  }

  /**
   * The named recipients of a send, classified by the directory. Without `requested`, the revision's
   * approved ones. For TLP:RED and AMBER+STRICT every one must be approved with the revision and known
   * to the directory; for the other levels an unknown address counts as `community`.
   */
  private async named(
    content: AdvisoryContent,
    revision: number,
    requested: NamedRecipientInput[] | undefined,
  ): Promise<NotificationRecipient[]> {
    const approved = content.namedRecipients ?? [];
    const people = requested ?? approved;
    const label = tlpLabel(content.tlp);
    const strict = NAMED_ONLY.has(content.tlp);
    if (strict) {
      const allowed = new Set(approved.map((r) => r.address));
      const unapproved = people.filter((r) => !allowed.has(r.address)).map((r) => r.address);
      if (unapproved.length > 0) throw new RecipientsNotApprovedError(label, revision, unapproved);
    }
    const known = await this.directory.lookup(people.map((r) => r.address));
    const unknown = people.filter((r) => !known.has(r.address)).map((r) => r.address);
    if (strict && unknown.length > 0) throw new UnknownRecipientError(label, unknown);
    const conflicts = people.flatMap((r) => {
      const entry = known.get(r.address);
      if (!entry || !('organisation' in r || 'circle' in r)) return [];
      const orgDiffers =
        r.organisation !== undefined &&
        r.organisation.trim().toLowerCase() !== entry.organisation.toLowerCase();
      const circleDiffers = r.circle !== undefined && r.circle !== entry.circle;
      if (!orgDiffers && !circleDiffers) return [];
      return [{ address: r.address, message: `the directory has ${entry.organisation} (${entry.circle})` }];
    });
    if (conflicts.length > 0) throw new RecipientClassificationError(conflicts);
    return people.map((r) => {
      const entry = known.get(r.address);
      return {
        address: r.address,
        name: r.name ?? entry?.name ?? r.address,
        organisation: entry?.organisation ?? 'unknown',
        circle: entry?.circle ?? 'community',
        kind: 'individual',
        via: entry ? `named:${entry.source}` : 'named:unknown',
      };
    });
  }

  private approvedRevision(advisory: AdvisoryRecord, wanted: number | undefined): StoredRevision {
    if (wanted !== undefined) {
      const revision = this.advisories.revisionOf(advisory, wanted);
      if (revision.approvedAt === null) {
        throw new ConflictError(
          `Revision ${wanted} of ${advisory.ref} is not approved; a lead must approve it first.`,
          'advisory_not_approved',
        );
      }
      return revision;
    }
    const approved = advisory.revisions.filter((r) => r.approvedAt !== null).at(-1);
    if (!approved)
      throw new ConflictError(
        `${advisory.ref} has no approved revision; a lead must approve one first.`,
        'advisory_not_approved',
      );
    return approved;
  }
}

function dedupe(recipients: NotificationRecipient[]): NotificationRecipient[] {
  const seen = new Map<string, NotificationRecipient>();
  for (const r of recipients) if (!seen.has(r.address)) seen.set(r.address, r);
  return [...seen.values()];
}
