import type { Actor } from '../auth/index.js';
import { AppError } from '../platform/index.js';
import type { AdvisoryRecord, StoredRevision } from './advisory.records.js';
import type { AdvisoryRepository } from './advisory.repository.js';
import type { AdvisoryService } from './advisory.service.js';
import type { Advisory } from './advisory.types.js';
import { CsafExportError, toCsaf, type CsafDocument, type CsafPublisher } from './csaf.export.js';
import { StixExportError, toStixBundle, type StixBundle } from './stix.export.js';

/** 422: the advisory cannot be expressed in the format asked for (message says why). */
export class ExportRefusedError extends AppError {
  readonly status = 422;
  readonly code = 'export_refused';
}

export const PUBLISHER: CsafPublisher = {
  category: 'coordinator',
  name: 'GovCERT.HK',
  namespace: 'https://www.govcert.gov.hk',
};

/**
 * CSAF 2.0 and STIX 2.1 exports of one revision (default: the latest approved, else the latest, as a
 * draft). Each export is audited on the advisory: who took which revision out, in which format.
 */
export class AdvisoryExportService {
  constructor(
    private readonly advisories: AdvisoryService,
    private readonly repository: AdvisoryRepository,
  ) {}

  async csaf(actor: Actor, id: string, wanted?: number): Promise<CsafDocument> {
    const { advisory, revision } = await this.pick(id, wanted);
    let document: CsafDocument;
    try {
      document = toCsaf(toExportable(advisory, revision), PUBLISHER);
    } catch (err) {
      if (err instanceof CsafExportError) throw new ExportRefusedError(err.message, { cause: err });
      throw err;
    }
    await this.audited(actor, advisory, revision, 'csaf');
    return document;
  }

  async stix(actor: Actor, id: string, wanted?: number): Promise<StixBundle> {
    const { advisory, revision } = await this.pick(id, wanted);
    let bundle: StixBundle;
    try {
      bundle = toStixBundle(revision.content.indicators, {
        tlp: revision.content.tlp,
        createdBy: { name: PUBLISHER.name },
        now: new Date(),
      });
    } catch (err) {
      if (err instanceof StixExportError) throw new ExportRefusedError(err.message, { cause: err });
      throw err;
    }
    await this.audited(actor, advisory, revision, 'stix');
    return bundle;
  }

  private async pick(
    id: string,
    wanted: number | undefined,
  ): Promise<{ advisory: AdvisoryRecord; revision: StoredRevision }> {
    const advisory = await this.advisories.require(id);
    if (wanted !== undefined) return { advisory, revision: this.advisories.revisionOf(advisory, wanted) };
    const approved = advisory.revisions.filter((r) => r.approvedAt !== null).at(-1);
    return { advisory, revision: approved ?? this.advisories.revisionOf(advisory, advisory.latestRevision) };
  }

  private async audited(
    actor: Actor,
    advisory: AdvisoryRecord,
    revision: StoredRevision,
    format: string,
  ): Promise<void> {
    await this.repository.audit(
      advisory.id,
      this.advisories.audit(actor, advisory, 'advisory.exported', {
        data: { format, revision: revision.number, tlp: revision.content.tlp },
      }),
    );
  }
}

/** The pure exporters' view of one revision: the history up to it, final once approved. */
export function toExportable(advisory: AdvisoryRecord, revision: StoredRevision): Advisory {
  const c = revision.content;
  return {
    id: advisory.ref,
    title: c.title,
    tlp: c.tlp,
    pap: c.pap,
    summary: c.summary,
    recommendations: c.recommendations,
    references: c.references,
    affectedSystems: c.affectedSystems,
    status: revision.approvedAt === null ? 'draft' : 'final',
    revisions: advisory.revisions
      .filter((r) => r.number <= revision.number)
      .map((r) => ({
        number: String(r.number),
        date: new Date(r.approvedAt ?? r.createdAt).toISOString(),
        summary: r.note,
      })),
    ...(c.targetOrganisation === undefined ? {} : { targetOrganisation: c.targetOrganisation }),
    ...(c.products === undefined ? {} : { products: c.products }),
    ...(c.vulnerabilities === undefined ? {} : { vulnerabilities: c.vulnerabilities }),
  };
}
