import type { Worker } from 'bullmq';
import type { RequestHandler, Router } from 'express';
import type { AccessControl, AnyRoute } from './platform/http/index.js';
import { type Background, type PlatformDeps, PublicUrl, systemActor } from './platform/index.js';
import { type WorkerSpec, redisReachable } from './platform/queue/index.js';
import {
  mongoReachable,
  runMigrations,
  type Connection,
  type Migration,
  type MigrationOutcome,
} from './platform/db/index.js';
import { echoWorker, healthRoutes } from './health/index.js';
import { ALL_SCOPE, createAuthModule, type AuthServices, type DemoCredential } from './auth/index.js';
import { createCorrespondenceModule, type CorrespondenceServices } from './correspondence/index.js';
import { createIntakeModule, intakeMigrations, type IntakeModule } from './incidents/intake.module.js';
import { incidentDocumentsOn } from './incidents/index.js';
import { openApiRoutes } from './openapi/index.js';
import { auditDraft, createAuditModule, type AuditDraft } from './audit/index.js';
import { createWorkflowModule, workflowMigrations, type WorkflowServices } from './workflow/index.js';
import { createNotificationsModule, type NotificationServices } from './notifications/index.js';
import { createAdvisoriesModule, type AdvisoryServices } from './advisories/index.js';
import { createReportsModule } from './reports/index.js';
import { createStagedReportsModule, type StagedReportServices } from './staged-reports/index.js';
import {
  createAccountsModule,
  peopleFrom,
  type AccountsServices,
  type DemoSignIn,
} from './accounts/index.js';
import {
  adminDirectoryPages,
  advisoryPages,
  adminMorePages,
  auditPages,
  compliancePages,
  createConsole,
  portalAdvisoryPages,
  portalOrganisationPages,
  messagePages,
  responderPages,
  stagedReportPages,
  stagedReportSections,
} from './console/index.js';
import { DECISION_REASONS, knownRegimes, policyQueues, policyRoutes } from './triage/index.js';
import { QUEUE_NAMES } from './jobs/index.js';

/** What every module is built from: the platform, opened once per process. */
export type { Background, PlatformDeps } from './platform/index.js';

/** The system assembled: routes for the API, processors for the workers, loops, and start-up work. */
export interface Modules {
  routes: AnyRoute[];
  workers: WorkerSpec[];
  access: AccessControl;
  before: RequestHandler[];
  background: Background[];
  /** Bureaux, users and API keys (tests, tools and other modules use them). */
  auth: AuthServices;
  /** Incidents and triage services (tests, tools, the workflow module). */
  intake: IntakeModule['services'];
  /** Responder workflow, queues and clocks (tests and tools use them). */
  workflow: WorkflowServices;
  /** Notification requests, recipient lists and the delivery ledger (workflow, advisories, tests). */
  notifications: NotificationServices;
  /** Advisories: drafting, approval, sending, exports. */
  advisories: AdvisoryServices;
  /** The written reports bureaux owe on incidents (staged reports), submitted and reviewed. */
  stagedReports: StagedReportServices;
  /** The message threads between bureaux and the CERT on incidents. */
  correspondence: CorrespondenceServices;
  /** Demo keys issued by `init()` when DEMO_MODE is on, for the start banner; empty otherwise. */
  readonly demoCredentials: DemoCredential[];
  /** People's console sign-in: passwords, TOTP, lockout, OIDC, resets. */
  accounts: AccountsServices;
  /** The demo people's console passwords (DEMO_MODE), for the start banner; empty otherwise. */
  readonly demoSignIns: DemoSignIn[];
  /** The web console's pages, mounted before the API (null in processes that serve no HTTP). */
  console: Router | null;
  /** Where people reach this system: PUBLIC_URL, else where the server listens (set once it does). */
  publicUrl: PublicUrl;
  /** Builds indexes, loads policies, seeds demo data. */
  init(): Promise<void>;
}

/**
 * The composition root: the only place that knows every module. Each module gets its dependencies
 * explicitly, so the import graph stays a tree and a test can build any subset.
 */
export function buildModules(platform: PlatformDeps): Modules {
  const probe = { mongo: () => mongoReachable(platform.db), redis: () => redisReachable(platform.redis) };
  // Audit first: every other module registers its outbox collections with the relay.
  // A process that runs no workers serves requests: it relays and dispatches what it writes itself, and
  // leaves the sweeps and reconcilers (each scans whole collections on FerretDB) to worker processes,
  // so that adding API processes does not multiply that load.
  const sweeps = platform.config.RUN_WORKERS;
  const audit = createAuditModule(platform, { sweeps });
  const auditPorts = {
    audit: {
      record: async (draft: AuditDraft) => {
        await audit.audit.record(draft);
      },
    },
    registerOutbox: (collection: string) => {
      audit.relay.register(collection);
    },
  };
  // Access: API keys, admin routes, rate limits. Bureaux may name only the regimes the policy knows
  // (read when a bureau is written, by then intake below exists and its policy is loaded).
  const auth = createAuthModule(platform, {
    ...auditPorts,
    knownRegimes: () => knownRegimes(intake.services.triage.activePolicy),
  });
  const publicUrl = new PublicUrl(platform.config.PUBLIC_URL, {
    host: platform.config.HTTP_HOST,
    port: platform.config.HTTP_PORT,
  });
  // People's console sign-in, over auth's users (read afresh per request, so disabling takes effect).
  const accounts = createAccountsModule(platform, {
    people: peopleFrom(auth.services.users),
    audit: auditPorts.audit,
    registerOutbox: auditPorts.registerOutbox,
    kickAudit: (collection, id) => {
      audit.relay.kick(collection, id);
    },
    publicUrl: () => publicUrl.get(),
    demoEmails: () => auth.demoCredentials.map((credential) => credential.email),
  });
  // Intake and triage: incidents API, triage worker, triage reconciler.
  const intake = createIntakeModule(platform, {
    bureaux: auth.services.bureaux,
    registerOutbox: auditPorts.registerOutbox,
    kickAudit: (collection, id, pendingAudit, pendingJobs) => {
      audit.relay.kick(collection, id, pendingAudit, pendingJobs);
    },
    // The notifications own their statuses; the incident API shows them (read when asked, by then
    // the notifications module below exists).
    notificationStatuses: (specs) => notifications.services.incidentNotificationStatuses(specs),
    // Read when a first decision is stored or an incident shown, by then the workflow module (which
    // assembles the clocks) below exists.
    startClocks: (decided, now, calendars) => workflow.services.clocks.startFirst(decided, now, calendars),
    clocks: (ids) => workflow.services.clockReads.clocksOf(ids),
    fileQueueRow: (incident, nextDueAt) => workflow.services.writer.fileDecided(incident, nextDueAt),
  });
  // A decision's audit events name its record for their reasons; the relay adds them when it chains.
  audit.relay.completeWith(DECISION_REASONS, (ids) => intake.services.decisions.reasonsForAudit(ids));
  // Notifications: requests from other modules, the incident's notifications (the `dispatch` job
  // triage's write records), mail delivery worker.
  const notifications = createNotificationsModule(platform, {
    bureaux: auth.services.bureaux,
    incidents: intake.services.repository,
    registerOutbox: auditPorts.registerOutbox,
    kickAudit: (collection, id, pendingAudit) => {
      audit.relay.kick(collection, id, pendingAudit);
    },
    sweeps,
    decisionReasons: (ids) => intake.services.decisions.reasonsOf(ids),
    // Read when a mail is composed, by then the workflow module below (which holds the clocks) exists.
    clocks: (ids) => workflow.services.clockReads.clocksOf(ids),
    decisionRecords: (ids) => intake.services.decisions.byIds(ids),
    consoleBase: () => publicUrl.get(),
    policyRoutes: {
      installed: () => policyRoutes(intake.services.triage.activePolicy, { includeDisabled: true }),
      active: () => policyRoutes(intake.services.triage.activePolicy),
    },
  });
  // Advisories: drafted, approved and sent through notifications.
  const advisories = createAdvisoriesModule(platform, {
    notifications: notifications.services,
    directory: { bureaux: auth.services.bureaux, users: auth.services.users },
    registerOutbox: auditPorts.registerOutbox,
  });
  // Reports and exports for auditors: read-only over the other modules' data, audited exports.
  const reports = createReportsModule(platform, {
    audit: audit.audit,
    registerOutbox: auditPorts.registerOutbox,
  });
  // Responder workflow and clocks: on intake's incidents collection, audited through its outbox.
  const workflow = createWorkflowModule(platform, {
    incidents: intake.services.documents,
    users: auth.services.users,
    audit: audit.audit,
    followUps: intake.services.followUps,
    notifications: notifications.services.notifications,
    knownQueues: () => policyQueues(intake.services.triage.activePolicy),
    calendars: () => intake.services.triage.activePolicy.calendars,
    listIndex: intake.services.listIndex,
    decisionClocks: (decisionId) => intake.services.decisions.clocksOf(decisionId),
    registerOutbox: auditPorts.registerOutbox,
    kickAudit: (collection, id, pendingAudit, pendingJobs) => {
      audit.relay.kick(collection, id, pendingAudit, pendingJobs);
    },
  });
  // Staged reports: each meets its clock through the workflow's obligation service, audited in its own outbox.
  const stagedReports = createStagedReportsModule(platform, {
    workflow: workflow.services,
    registerOutbox: auditPorts.registerOutbox,
    kickAudit: (collection, id, pendingAudit) => {
      audit.relay.kick(collection, id, pendingAudit);
    },
    // A report sent is mailed to the incident's assignee (else the duty list), a decision to the bureau.
    mail: notifications.services.notifications,
    readers: {
      assigneeOf: async (id) => {
        const assignee = (await workflow.services.writer.read(ALL_SCOPE, id)).assignee;
        const user = assignee ? await auth.services.users.get(assignee.userId) : null;
        return user && !user.disabledAt ? { email: user.email, name: user.name } : null;
      },
    },
    consoleBase: () => publicUrl.get(),
    sweeps,
  });
  const reportSections = stagedReportSections({ reports: stagedReports.services.reports });
  // Correspondence: a bureau's and the CERT's messages on an incident, each mailed to the other side.
  const correspondence = createCorrespondenceModule(platform, {
    incidents: intake.services.incidents,
    mail: notifications.services.notifications,
    assignees: {
      assigneeOf: async (id) => (await workflow.services.writer.read(ALL_SCOPE, id)).assignee,
    },
    staff: auth.services.users,
    registerOutbox: auditPorts.registerOutbox,
    kickAudit: (collection, id, pendingAudit) => {
      audit.relay.kick(collection, id, pendingAudit);
    },
    consoleBase: () => publicUrl.get(),
    sweeps,
  });
  const modules: Modules = {
    routes: [
      ...healthRoutes(probe, platform.metrics, platform.queues),
      // Read lazily, so the document lists every module's routes, its own included.
      ...openApiRoutes(() => modules.routes, { title: 'GovCERT incident response API', version: '1' }),
      ...auth.routes,
      ...accounts.routes,
      ...intake.routes,
      ...workflow.routes,
      ...notifications.routes,
      ...advisories.routes,
      ...correspondence.routes,
      ...stagedReports.routes,
      ...audit.routes,
      ...reports.routes,
    ],
    workers: [
      echoWorker,
      ...auth.workers,
      ...intake.workers,
      ...reports.workers,
      ...notifications.workers,
      ...workflow.workers,
    ],
    access: auth.access,
    before: [...auth.before],
    background: [
      ...auth.background,
      ...accounts.background,
      ...(sweeps ? [...intake.background, ...workflow.background, ...reports.background] : []),
      ...correspondence.background,
      ...stagedReports.background,
      ...notifications.background,
      ...audit.background,
    ],
    auth: auth.services,
    intake: intake.services,
    workflow: workflow.services,
    notifications: notifications.services,
    advisories: advisories.services,
    correspondence: correspondence.services,
    stagedReports: stagedReports.services,
    get demoCredentials() {
      return auth.demoCredentials;
    },
    accounts: accounts.services,
    get demoSignIns() {
      return accounts.demoSignIns;
    },
    // Pages call the same services as the API; built only where HTTP is served (templates compiled here).
    console: platform.config.RUN_API
      ? createConsole({
          config: platform.config,
          logger: platform.logger,
          redis: platform.redis,
          access: auth.access,
          audit: auditPorts.audit,
          accounts: accounts.services,
          bureaux: auth.services.bureaux,
          incidents: intake.services.incidents,
          portal: {
            intake: intake.services.intake,
            incidents: intake.services.incidents,
            workflow: workflow.services,
            messages: correspondence.services.messages,
            stagedReports: reportSections.portal,
          },
          signInLimit: auth.before,
          publicUrl: () => publicUrl.get(),
          pages: (shared) => [
            ...responderPages(
              {
                ...workflow.services,
                users: auth.services.users,
                messages: correspondence.services.messages,
                stagedReports: reportSections.work,
                history: audit.audit,
                matches: intake.services.matches,
                decisionReasons: (ids) => intake.services.decisions.reasonsOf(ids),
              },
              shared,
            ),
            ...stagedReportPages({
              reports: stagedReports.services.reports,
              translator: shared.translator,
            }),
            ...messagePages({
              messages: correspondence.services.messages,
              incidents: intake.services.incidents,
              translator: shared.translator,
            }),
            // The CERT's advisories; before the portal's `/console/advisories/:id`, which would take "drafts".
            ...advisoryPages({
              ...advisories.services,
              lists: notifications.services.lists,
              bureaux: auth.services.bureaux,
              publicUrl: () => publicUrl.get(),
              translator: shared.translator,
            }),
            // The bureau portal's advisories and organisation (reporters; each service scopes to the bureau).
            ...portalAdvisoryPages({ advisories: advisories.services.bureau, translator: shared.translator }),
            ...portalOrganisationPages({ bureaux: auth.services.bureaux, translator: shared.translator }),
            ...auditPages({ audit: audit.audit, translator: shared.translator }),
            ...compliancePages({ ...reports.services, translator: shared.translator }),
            ...adminDirectoryPages({
              bureaux: auth.services.bureaux,
              users: auth.services.users,
              accounts: accounts.services.accounts,
              knownRegimes: () => [...knownRegimes(intake.services.triage.activePolicy)],
              translator: shared.translator,
            }),
            ...adminMorePages({
              keys: auth.services.keys,
              users: auth.services.users,
              bureaux: auth.services.bureaux,
              lists: notifications.services.lists,
              policyRoutes: () => policyRoutes(intake.services.triage.activePolicy),
              policy: intake.services.policyReview,
              knownRegimes: () => [...knownRegimes(intake.services.triage.activePolicy)],
              queues: () => QUEUE_NAMES.map((name) => platform.queues.queue(name)),
              translator: shared.translator,
            }),
          ],
        })
      : null,
    publicUrl,
    init: async () => {
      await audit.init();
      await auth.init();
      await accounts.init();
      await intake.init();
      await reports.init();
      await workflow.init();
      await notifications.init();
      await advisories.init();
      await correspondence.init();
      await stagedReports.init();
      // After the indexes: data an earlier version stored is converted before any worker reads it.
      const migrated = await runMigrations(
        platform.db,
        [...intake.migrations, ...workflow.migrations],
        platform.logger,
      );
      await audit.audit.recordMany(migrationDrafts(migrated));
    },
  };
  return modules;
}

export type { Worker };

/** Every module's migrations on a bare connection (`govcert migrate`); a start runs the same ones. */
export async function storeMigrations(db: Connection): Promise<Migration[]> {
  return [...(await intakeMigrations(db)), ...workflowMigrations(db, incidentDocumentsOn(db))];
}

/**
 * The audit events of the migrations that changed something: the trail says when stored data changed
 * shape, by which version's migration, and how many documents it touched.
 */
export function migrationDrafts(outcomes: readonly MigrationOutcome[]): AuditDraft[] {
  const actor = systemActor('migrate');
  return outcomes
    .filter((outcome) => outcome.state === 'applied' && outcome.changed > 0)
    .map((outcome) =>
      auditDraft(
        actor,
        'system.migrated',
        { type: 'system', id: outcome.id },
        {
          data: { description: outcome.description, changed: outcome.changed },
        },
      ),
    );
}
