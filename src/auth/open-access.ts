import type { AccessControl } from '../platform/http/index.js';
import { UnauthorizedError } from '../platform/index.js';

/** Access control before the auth module is wired: only public routes are reachable. */
export const openAccess: AccessControl = {
  authenticate: () => Promise.reject(new UnauthorizedError()),
  authorize: () => Promise.reject(new UnauthorizedError()),
  identify: () => Promise.resolve(null),
};
