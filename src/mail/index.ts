/** Mail: templates, rendering and the SMTP/outbox transport. The only public surface of `src/mail`. */
export { TemplateRenderer, TemplateDataError, subjectLine } from './template-renderer.js';
export type { RenderedMail } from './template-renderer.js';
export { TEMPLATE_SCHEMAS, templateShowsDecision } from './template-data.js';
export type { TemplateInput, TemplateName } from './template-data.js';
export { hkTime, utc, tlpBanner } from './template-helpers.js';
export {
  createTransport,
  classifySmtpError,
  messageIdFor,
  headerSafe,
  MailAddressError,
  SendWindowClosedError,
  isSafeAddress,
} from './transport.js';
export type { Mailbox, OutgoingMail, SendResult, MailTransport, TransportConfig } from './transport.js';
export { parseMailbox, mailDomain } from './mailbox.js';
