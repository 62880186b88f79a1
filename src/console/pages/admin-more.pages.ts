import type { AnyPage } from '../page.js';
import { adminBureauEditPages, type AdminBureauEditDeps } from './admin-bureau-edit.pages.js';
import { adminKeysPages, type AdminKeysDeps } from './admin-keys.pages.js';
import { adminListsPages, type AdminListsDeps } from './admin-lists.pages.js';
import { adminPolicyPages, type AdminPolicyDeps } from './admin-policy.pages.js';
import { adminQueuesPages, type AdminQueuesDeps } from './admin-queues.pages.js';

/** What the administrators' further pages take: the services the API uses, and the queues. */
export type AdminMoreDeps = AdminKeysDeps &
  AdminListsDeps &
  AdminPolicyDeps &
  AdminBureauEditDeps &
  AdminQueuesDeps;

/**
 * The administrators' pages beyond the directory (issue 18, items 8 and 9): API keys, recipient lists,
 * policy packs, bureau edit, and the job queue dashboard.
 */
export function adminMorePages(deps: AdminMoreDeps): AnyPage[] {
  return [
    ...adminKeysPages(deps),
    ...adminListsPages(deps),
    ...adminPolicyPages(deps),
    ...adminBureauEditPages(deps),
    ...adminQueuesPages(deps),
  ];
}
