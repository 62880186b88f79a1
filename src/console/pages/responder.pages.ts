import type { WorkflowServices } from '../../workflow/index.js';
import type { ConsoleShared } from '../console.module.js';
import type { AnyPage } from '../page.js';
import { queuePages } from './queue.pages.js';

/** What the responders' and leads' pages use: the workflow module's services, as the API does. */
export type ResponderPageDeps = Pick<WorkflowServices, 'queues'>;

/** The responders' and leads' pages (queues, my work, the incident's workflow), assembled. */
export function responderPages(services: ResponderPageDeps, shared: ConsoleShared): AnyPage[] {
  return [...queuePages({ queues: services.queues, translator: shared.translator })];
}
