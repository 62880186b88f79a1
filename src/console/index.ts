/**
 * The web console's public surface: the router the app mounts, and the page declaration for modules
 * that add pages. How to write a page: docs/console.md.
 */
export { createConsole } from './console.module.js';
export type { ConsoleDeps, ConsoleShared } from './console.module.js';
export { definePage, safeReturnPath } from './page.js';
export type { AnyPage, PageView, PageRedirect, PageResult, PageContext, PageProblem } from './page.js';
export { formState } from './render.js';
export { auditPages } from './pages/audit.pages.js';
export { compliancePages } from './pages/compliance.pages.js';
export { adminDirectoryPages } from './pages/admin-directory.pages.js';
export { adminMorePages, type AdminMoreDeps } from './pages/admin-more.pages.js';
export { responderPages } from './pages/responder.pages.js';
export { advisoryPages } from './pages/advisory.pages.js';
export { stagedReportPages, stagedReportSections } from './pages/staged-reports.pages.js';
export { portalAdvisoryPages } from './pages/portal-advisories.pages.js';
export { portalOrganisationPages } from './pages/portal-organisation.pages.js';
export { messagePages } from './pages/messages.pages.js';
export type { FormState } from './render.js';
export type { Translator } from './i18n.js';
