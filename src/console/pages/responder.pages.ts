import type { WorkflowServices } from '../../workflow/index.js';
import type { ConsoleShared } from '../console.module.js';
import type { AnyPage } from '../page.js';
import { queuePages } from './queue.pages.js';
import type { ThreadSource } from './messages.pages.js';
import { workPages, type WorkPageDeps } from './work.pages.js';

/** What the responders' and leads' pages use: the workflow module's services, as the API does. */
export type ResponderPageDeps = Pick<WorkflowServices, 'queues'> &
  WorkPageDeps['services'] & {
    users: WorkPageDeps['users'];
    messages?: ThreadSource;
    stagedReports?: WorkPageDeps['stagedReports'];
    history?: WorkPageDeps['history'];
    matches?: WorkPageDeps['matches'];
    decisionReasons?: WorkPageDeps['decisionReasons'];
  };

/** The responders' and leads' pages (queues, my work, the incident's workflow), assembled. */
export function responderPages(services: ResponderPageDeps, shared: ConsoleShared): AnyPage[] {
  const { translator } = shared;
  return [
    ...queuePages({ queues: services.queues, translator }),
    ...workPages({
      services,
      users: services.users,
      messages: services.messages,
      stagedReports: services.stagedReports,
      history: services.history,
      matches: services.matches,
      decisionReasons: services.decisionReasons,
      translator,
    }),
  ];
}
