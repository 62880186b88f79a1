import type { Background, PlatformDeps } from '../platform/index.js';
import type { NotificationServices } from '../notifications/index.js';
import type { AnyRoute } from '../platform/http/index.js';
import { BureauAdvisoryService } from './advisory-bureau.service.js';
import { AdvisoryExportService } from './advisory-export.service.js';
import { AdvisoryPreviewService } from './advisory-mail.js';
import { TemplateRenderer } from '../mail/index.js';
import { AdvisorySendService, SENDER_ORGANISATION } from './advisory-send.service.js';
import { AdvisoryRepository } from './advisory.repository.js';
import { advisoryRoutes } from './advisory.routes.js';
import { AdvisoryService } from './advisory.service.js';
import { AdvisoryViews } from './advisory.view.js';
import { RecipientDirectory, type DirectorySources } from './recipient-directory.js';

/** Advisories: the only public surface of `src/advisories`. */
export * from './advisory.types.js';
export { checkDistribution, parseTlp, parsePap, tlpLabel, papLabel } from './tlp.js';
export type {
  DistributionRecipient,
  RecipientCircle,
  DistributionCheck,
  DistributionRefusal,
  RefusalCode,
} from './tlp.js';
export { toCsaf, CsafExportError } from './csaf.export.js';
export { toStixBundle, StixExportError } from './stix.export.js';
export { AdvisoryService, advisoryRef, SelfApprovalError } from './advisory.service.js';
export { AdvisoryPreviewService } from './advisory-mail.js';
export type { AdvisoryPreview } from './advisory-mail.js';
export { AdvisoryViews } from './advisory.view.js';
export { DRAFT_TEMPLATES, advisoryContentSchema } from './advisory.schemas.js';
export { DRAFT_DEFAULTS } from './advisory-drafts.js';
export {
  AdvisorySendService,
  DistributionRefusedError,
  UnknownRecipientError,
  RecipientClassificationError,
  RecipientsNotApprovedError,
  SENDER_ORGANISATION,
} from './advisory-send.service.js';
export type { SendCheck, SendReceipt } from './advisory-send.service.js';
export type { DirectoryEntry, DirectorySources } from './recipient-directory.js';
export { AdvisoryExportService, ExportRefusedError } from './advisory-export.service.js';
export { BureauAdvisoryService, BUREAU_ADVISORY_LIMIT } from './advisory-bureau.service.js';
export type { BureauAdvisory, BureauAdvisoryContent } from './advisory-bureau.service.js';
export type { AdvisoryRecord, StoredRevision, AdvisorySend } from './advisory.records.js';
export type { AdvisoryContent } from './advisory.schemas.js';

export interface AdvisoryServices {
  advisories: AdvisoryService;
  sending: AdvisorySendService;
  exports: AdvisoryExportService;
  /** A revision's mail as recipients would get it, rendered by the send's own template. */
  previews: AdvisoryPreviewService;
  /** The advisory as the API shows it, delivery status per recipient included. */
  views: AdvisoryViews;
  /** The advisories a bureau received, for its reporters (the bureau portal). */
  bureau: BureauAdvisoryService;
}

export interface AdvisoriesModule {
  services: AdvisoryServices;
  routes: AnyRoute[];
  background: Background[];
  init(): Promise<void>;
}

/** What the advisories module takes from other modules. */
export interface AdvisoriesDeps {
  notifications: NotificationServices;
  /** Bureaux and users (the auth services): with the recipient lists, the recipient directory. */
  directory: Pick<DirectorySources, 'bureaux' | 'users'>;
  registerOutbox(collection: string): void;
}

/** Builds the advisories module over the notification module's requests, lists and ledger. */
export function createAdvisoriesModule(
  platform: Pick<PlatformDeps, 'db' | 'config'>,
  deps: AdvisoriesDeps,
): AdvisoriesModule {
  const repository = new AdvisoryRepository(platform.db);
  const advisories = new AdvisoryService(repository);
  const directory = new RecipientDirectory(
    { ...deps.directory, lists: deps.notifications.lists },
    SENDER_ORGANISATION,
  );
  const sending = new AdvisorySendService(
    advisories,
    deps.notifications.notifications,
    deps.notifications.lists,
    repository,
    directory,
  );
  const exports = new AdvisoryExportService(advisories, repository);
  // The mail templates the notifications worker sends with (same directory), compiled here for previews.
  const previews = new AdvisoryPreviewService(advisories, new TemplateRenderer(platform.config.TEMPLATE_DIR));
  const views = new AdvisoryViews(deps.notifications.deliveries);
  deps.registerOutbox(repository.collectionName);
  return {
    services: {
      advisories,
      sending,
      exports,
      previews,
      views,
      bureau: new BureauAdvisoryService(repository),
    },
    routes: advisoryRoutes({
      advisories,
      sending,
      exports,
      views,
    }),
    background: [],
    init: () => repository.init(),
  };
}
