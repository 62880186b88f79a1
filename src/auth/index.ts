/**
 * The auth module's public surface: other modules import from here only.
 * Authentication is by API key (`Authorization: Bearer gck_...`); the role matrix is `permissions.ts`.
 */
export { createAuthModule, createAuthServices } from './auth.module.js';
export { oneShotKeyForgetting } from './verified-key-cache.js';
export type { AuthModule, AuthDeps, AuthPlatform, AuthServices } from './auth.module.js';
export type { AuditRecorder } from './api-key.access.js';
export {
  BureauService,
  contactsStanding,
  CONTACTS_CONFIRM_DAYS,
  ROUND_THE_CLOCK_REQUIRED,
  type KnownRegimes,
  type ContactsStanding,
} from './bureau.service.js';
export { UserService } from './user.service.js';
export { ApiKeyService } from './api-key.service.js';
export type {
  Bureau,
  BureauContact,
  ContactsConfirmer,
  User,
  ApiKeyInfo,
  IssuedApiKey,
} from './auth.types.js';
export {
  createBureauSchema,
  updateBureauSchema,
  createUserSchema,
  createKeySchema,
  bureauCodeSchema,
  bureauContactsSchema,
  PHONE_PATTERN,
  userListQuerySchema,
} from './auth.schemas.js';
export type {
  CreateBureauInput,
  UpdateBureauInput,
  BureauContactsInput,
  CreateUserInput,
  CreateKeyInput,
} from './auth.schemas.js';
export { AUTH_COLLECTIONS } from './auth.models.js';
export { AuditThrottle } from './audit-throttle.js';
export { formatDemoCredentials } from './demo-seed.js';
export type { DemoCredential } from './demo-seed.js';
export { parseKey, keyIdFromAuthorization } from './api-key.format.js';
export { scopeOf, systemActor, ALL_SCOPE } from '../platform/index.js';
export type { Actor, Scope } from '../platform/index.js';
export { ROLES, PERMISSIONS, ROLE_PERMISSIONS, roleHas } from '../platform/index.js';
export type { Role, Permission, RoutePermission } from '../platform/index.js';
