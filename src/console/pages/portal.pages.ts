import type { IncidentIntakeService, IncidentService } from '../../incidents/index.js';
import type { WorkflowServices } from '../../workflow/index.js';
import type { Translator } from '../i18n.js';
import type { AnyPage } from '../page.js';
import type { ThreadSource } from './messages.pages.js';
import type { IncidentSection } from './incident-sections.js';
import { portalIncidentPage } from './portal-incident.pages.js';
import { portalIncidentPages } from './portal-incidents.pages.js';
import { portalReportPages } from './portal-report.pages.js';

/** The services the bureau portal calls (the same the API calls, from the modules' index.ts). */
export interface PortalDeps {
  intake: Pick<IncidentIntakeService, 'create'>;
  incidents: Pick<IncidentService, 'get' | 'list' | 'addUpdate'>;
  workflow: Pick<WorkflowServices, 'writer' | 'scope' | 'obligations' | 'timeline'>;
  /** The incident's message thread with the CERT (the correspondence module's service). */
  messages?: ThreadSource;
  /** "Reports we owe" on the incident page (the staged reports' section). */
  stagedReports?: IncidentSection;
}

/** The bureau portal (issue 17, items 8-13): the reporter's pages, each area in its own file. */
export function portalPages(deps: PortalDeps, translator: Translator): AnyPage[] {
  return [
    ...portalReportPages({ ...deps, translator }),
    ...portalIncidentPages({ ...deps, translator }),
    ...portalIncidentPage({ ...deps, translator }),
  ];
}
