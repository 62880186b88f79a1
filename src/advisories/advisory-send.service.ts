import type { Actor } from '../auth/index.js';
import type {
  NotificationRecipient,
  NotificationService,
  RecipientListService,
} from '../notifications/index.js';
import { AppError, ConflictError } from '../platform/errors.js';
import type { AdvisoryRecord, StoredRevision } from './advisory.records.js';
import type { AdvisoryRepository } from './advisory.repository.js';
import type { AdvisoryService } from './advisory.service.js';
import type { sendAdvisorySchema } from './advisory.schemas.js';
import { checkDistribution, tlpLabel, type DistributionRefusal } from './tlp.js';
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

/** What a send queued. */
export interface SendReceipt {
  notificationId: string;
  revision: number;
  tlp: string;
  recipients: string[];
  status: 'queued';
}

/**
 * Sends an approved revision: resolves lists and named recipients, refuses (422, audited, nothing
 * queued) what its TLP does not allow, then stores one notification whose per-recipient ledger rows
 * make the delivery status visible on the advisory.
 */
export class AdvisorySendService {
  constructor(
    private readonly advisories: AdvisoryService,
    private readonly notifications: NotificationService,
    private readonly lists: RecipientListService,
    private readonly repository: AdvisoryRepository,
  ) {}

  async send(actor: Actor, id: string, input: SendInput): Promise<SendReceipt> {
    const advisory = await this.advisories.require(id);
    const revision = this.approvedRevision(advisory, input.revision);
    const content = revision.content;
    const fromLists = await this.lists.resolveAll(input.lists);
    const named: NotificationRecipient[] = input.recipients.map((r) => ({
      ...r,
      address: r.address.toLowerCase(),
      kind: 'individual',
      via: 'named',
    }));
    const recipients = dedupe([...named, ...fromLists]);
    const check = checkDistribution(content.tlp, recipients, SENDER_ORGANISATION, {
      ...(content.targetOrganisation === undefined ? {} : { targetOrganisation: content.targetOrganisation }),
    });
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

/** The advisory as the `advisory` mail template takes it: the approved revision, frozen. */
function mailAdvisory(advisory: AdvisoryRecord, revision: StoredRevision): Record<string, unknown> {
  const c = revision.content;
  return {
    ref: advisory.ref,
    title: c.title,
    tlp: c.tlp,
    pap: c.pap,
    summary: c.summary,
    recommendations: c.recommendations,
    references: c.references,
    affectedSystems: c.affectedSystems,
    revision: {
      number: String(revision.number),
      date: new Date(revision.approvedAt ?? revision.createdAt).toISOString(),
      summary: revision.note,
    },
  };
}
