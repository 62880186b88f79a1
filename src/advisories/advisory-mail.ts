import type { RenderedMail, TemplateInput, TemplateRenderer } from '../mail/index.js';
import type { AdvisoryRecord, StoredRevision } from './advisory.records.js';
import type { AdvisoryService } from './advisory.service.js';

/** The advisory as the `advisory` mail template takes it: one revision, frozen. */
export function mailAdvisory(advisory: AdvisoryRecord, revision: StoredRevision): Record<string, unknown> {
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
    indicators: c.indicators.map((i) => ({
      type: i.type,
      value: i.value,
      description: i.description ?? null,
    })),
    revision: {
      number: String(revision.number),
      date: new Date(revision.approvedAt ?? revision.createdAt).toISOString(),
      summary: revision.note,
    },
  };
}

/** Where the mail's link leads: the advisory's page in the console (as the notification composer links it). */
export const advisoryMailLink = (consoleBase: string, id: string): string =>
  `${consoleBase}/console/advisories/${id}`;

/** A revision's mail as a recipient would get it. */
export interface AdvisoryPreview {
  revision: number;
  mail: RenderedMail;
}

/**
 * Previews: a revision rendered by the `advisory` mail template with the data a send stores, so what
 * the lead reads before sending is what recipients get (subject, HTML and text). Nothing is stored or
 * audited: a preview sends nothing.
 */
export class AdvisoryPreviewService {
  constructor(
    private readonly advisories: Pick<AdvisoryService, 'require' | 'revisionOf'>,
    private readonly renderer: Pick<TemplateRenderer, 'render'>,
  ) {}

  /** Revision `number` (default the latest) of the advisory as mailed to `recipientName`; 404 when unknown. */
  async preview(
    id: string,
    number: number | undefined,
    options: { consoleBase: string; recipientName: string },
  ): Promise<AdvisoryPreview> {
    const advisory = await this.advisories.require(id);
    const revision = this.advisories.revisionOf(advisory, number ?? advisory.latestRevision);
    const mail = this.renderer.render('advisory', {
      recipientName: options.recipientName,
      consoleUrl: advisoryMailLink(options.consoleBase, advisory.id),
      advisory: mailAdvisory(advisory, revision),
    } as TemplateInput<'advisory'>);
    return { revision: revision.number, mail };
  }
}
