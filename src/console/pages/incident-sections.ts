import type { Language } from '../../accounts/index.js';
import type { Actor } from '../../auth/index.js';
import type { Translator } from '../i18n.js';

/** What a section of an incident page is built from: who looks, at which incident, in which language. */
export interface SectionContext {
  actor: Actor;
  incidentId: string;
  lang: Language;
  translator: Translator;
}

/**
 * A part of an incident page that another area of the console adds (the bureau's staged reports):
 * its own page file builds the section's data, which the page puts under one key, and its own
 * partial, included by one line of the page's template, shows it. The page stays unaware of its content.
 */
export type IncidentSection = (ctx: SectionContext) => Promise<Record<string, unknown>>;
