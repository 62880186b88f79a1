import type { Actor } from '../auth/index.js';
import { NotFoundError } from '../platform/index.js';
import type { AdvisoryRecord, AdvisorySend, StoredRevision } from './advisory.records.js';
import type { AdvisoryRepository } from './advisory.repository.js';
import type { AdvisoryContent } from './advisory.schemas.js';

/** What a bureau may read of an advisory: the content of the revision it was sent, nothing internal. */
export type BureauAdvisoryContent = Pick<
  AdvisoryContent,
  | 'title'
  | 'tlp'
  | 'pap'
  | 'summary'
  | 'affectedSystems'
  | 'recommendations'
  | 'references'
  | 'indicators'
  | 'vulnerabilities'
>;

/** An advisory as a bureau received it. */
export interface BureauAdvisory {
  id: string;
  ref: string;
  /** The newest revision sent to the bureau (a later one not sent to it stays unseen). */
  revision: number;
  /** The last time that revision was sent to the bureau. */
  sentAt: Date;
  /** Revisions sent to the bureau, oldest first. */
  revisionsSent: number[];
  content: BureauAdvisoryContent;
}

/** Most advisories a bureau's list shows. */
export const BUREAU_ADVISORY_LIMIT = 200;

/**
 * The advisories a bureau received: those a send addressed to the bureau's contacts (`bureau:<code>`
 * in the send's lists). Advisories sent to one of its people by name (TLP:RED, AMBER+STRICT named
 * recipients) were meant for that person, not the bureau, and are not listed. The bureau is the
 * actor's own; an advisory not sent to it is a 404, as if it did not exist.
 */
export class BureauAdvisoryService {
  constructor(private readonly repository: AdvisoryRepository) {}

  /** The actor's bureau's advisories, most recently sent first. None for an actor without a bureau. */
  async list(actor: Actor): Promise<BureauAdvisory[]> {
    const code = actor.bureauId;
    if (!code) return [];
    const advisories = await this.repository.listSentToBureau(code, BUREAU_ADVISORY_LIMIT);
    return advisories
      .map((advisory) => asReceived(advisory, code))
      .filter((advisory): advisory is BureauAdvisory => advisory !== null)
      .sort((a, b) => b.sentAt.getTime() - a.sentAt.getTime());
  }

  /** One advisory as the actor's bureau received it; 404 when it was never sent to the bureau. */
  async get(actor: Actor, id: string): Promise<BureauAdvisory> {
    const code = actor.bureauId;
    const advisory = code ? await this.repository.findSentToBureau(code, id) : null;
    const received = advisory && code ? asReceived(advisory, code) : null;
    if (!received) throw new NotFoundError('Advisory');
    return received;
  }
}

/** The advisory as sent to bureau `code`: its newest revision sent there; null if none was. */
function asReceived(advisory: AdvisoryRecord, code: string): BureauAdvisory | null {
  const tag = `bureau:${code}`;
  const sends = advisory.sends.filter((send: AdvisorySend) => send.lists.includes(tag));
  if (sends.length === 0) return null;
  const revisionsSent = [...new Set(sends.map((send) => send.revision))].sort((a, b) => a - b);
  const newest = revisionsSent.at(-1);
  const revision = advisory.revisions.find((r: StoredRevision) => r.number === newest);
  if (newest === undefined || !revision) return null;
  const sentAt = sends
    .filter((send) => send.revision === newest)
    .map((send) => new Date(send.at))
    .reduce((a, b) => (b > a ? b : a));
  const c = revision.content;
  return {
    id: advisory.id,
    ref: advisory.ref,
    revision: newest,
    sentAt,
    revisionsSent,
    content: {
      title: c.title,
      tlp: c.tlp,
      pap: c.pap,
      summary: c.summary,
      affectedSystems: c.affectedSystems,
      recommendations: c.recommendations,
      references: c.references,
      indicators: c.indicators,
      vulnerabilities: c.vulnerabilities,
    },
  };
}
