import type { Connection } from '../platform/db/index.js';
import type { AnyRoute } from '../platform/http/index.js';
import { Periodic, type Logger, type RequestPressure } from '../platform/index.js';
import {
  StagedReportMailer,
  type ReportReaderLookup,
  type StagedReportMailRequests,
} from './staged-report.mail.js';
import { StagedReportRepository, type AuditKick } from './staged-report.repository.js';
import { stagedReportRoutes } from './staged-report.routes.js';
import { StagedReportService, type StagedReportWorkflow } from './staged-report.service.js';

/** What the staged reports take from other modules. */
export interface StagedReportsDeps {
  /** The incident in the caller's scope, and the obligation service that meets its clocks. */
  workflow: StagedReportWorkflow;
  registerOutbox(collection: string): void;
  /** The audit relay's prompt pass over a document just written. */
  kickAudit: AuditKick;
  /** The notifications module's `request`: a report sent or decided on is mailed to the other side. */
  mail?: StagedReportMailRequests;
  /** The incident's assignee at the CERT (who is told of a report sent), from the workflow and users. */
  readers?: ReportReaderLookup;
  /** The console's base URL for the link in mail (PUBLIC_URL, else where the server listens). */
  consoleBase?: () => string;
  /** Whether this process sweeps for mails owed by reports whose writer died before requesting them. */
  sweeps?: boolean;
}

export interface StagedReportServices {
  reports: StagedReportService;
}

export interface StagedReportsModule {
  services: StagedReportServices;
  routes: AnyRoute[];
  /** The sweep for owed mails, when `sweeps` is on and mail is wired. */
  background: Array<{ name: string; start(): void; stop(): Promise<void> }>;
  init(): Promise<void>;
}

/** Staged reports: the bureau's written reports per clock, submitted, met, reviewed, each side told. */
export function createStagedReportsModule(
  platform: { db: Connection; logger: Logger; pressure?: RequestPressure | null },
  deps: StagedReportsDeps,
): StagedReportsModule {
  const repository = new StagedReportRepository(platform.db, deps.kickAudit);
  deps.registerOutbox(repository.collectionName);
  const mailer =
    deps.mail && deps.readers && deps.consoleBase
      ? new StagedReportMailer(deps.mail, deps.readers, platform.logger, deps.consoleBase)
      : undefined;
  const reports = new StagedReportService(repository, deps.workflow, () => new Date(), mailer);
  const background = [];
  if (mailer && deps.sweeps) {
    // Every 30 s, the mails owed by reports whose writer died before requesting them.
    const loop = new Periodic(
      'staged-report-mail',
      30_000,
      () => reports.requestOwedMail(),
      platform.logger,
      {
        pressure: platform.pressure ?? null,
      },
    );
    background.push({
      name: 'staged-report-mail',
      start: () => {
        loop.start();
      },
      stop: () => loop.stop(),
    });
  }
  return {
    services: { reports },
    routes: stagedReportRoutes(reports),
    background,
    init: () => repository.init(),
  };
}
