/**
 * The accounts module's public surface: how people sign in to the console (argon2id passwords, TOTP,
 * lockout, OIDC single sign-on), administrators' resets, and console preferences. The people themselves
 * (name, role, bureau) are the auth module's users; API keys stay there too.
 */
export { createAccountsModule, SET_PASSWORD_PATH } from './accounts.module.js';
export type { AccountsModule, AccountsDeps, AccountsServices } from './accounts.module.js';
export { SignInService } from './sign-in.service.js';
export type { PeopleDirectory, PasswordOutcome, SecondFactorOutcome } from './sign-in.service.js';
export { AccountService, PASSWORD_MIN, PASSWORD_MAX, RESET_LINK_HOURS } from './account.service.js';
export { OidcService } from './oidc.service.js';
export type { OidcPending, OidcOutcome, Provisioner } from './oidc.service.js';
export { mapClaims } from './oidc-claims.js';
export type { ClaimMapping, ClaimRefusal } from './oidc-claims.js';
export type { TotpEnrolment } from './second-factor.js';
export { LANGUAGES } from './account.types.js';
export type { Account, Language, Person, ClientInfo } from './account.types.js';
export type { DemoSignIn } from './demo-passwords.js';
export { ACCOUNTS_COLLECTION } from './account.model.js';
export { peopleFrom } from './people.js';
export { personActor } from './account-audit.js';
