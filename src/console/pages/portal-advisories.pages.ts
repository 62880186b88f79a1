import { z } from 'zod';
import type { Language } from '../../accounts/index.js';
import type { BureauAdvisory, BureauAdvisoryService } from '../../advisories/index.js';
import { roleHas } from '../../auth/index.js';
import { ForbiddenError } from '../../platform/index.js';
import type { Translator } from '../i18n.js';
import { definePage, type AnyPage } from '../page.js';

export interface PortalAdvisoryDeps {
  /** The advisories module's bureau service: only what was sent to the reporter's own bureau. */
  advisories: Pick<BureauAdvisoryService, 'list' | 'get'>;
  translator: Translator;
}

const params = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) });
/** Only http(s) addresses become links (a `javascript:` address must never be one). */
const webAddress = (url: string | undefined): string | null =>
  url !== undefined && /^https?:\/\//i.test(url) ? url : null;

/** `AMBER+STRICT` as a class name (`tlp-amber-strict`): the banner's TLP 2.0 colours live in the CSS. */
export const tlpClass = (tlp: string): string => `tlp-${tlp.toLowerCase().replace('+', '-')}`;

/** The advisory as the reading page shows it: every key present (strict templates), none internal. */
function reading(advisory: BureauAdvisory, lang: Language, translator: Translator) {
  const t = (key: string, values?: Record<string, unknown>) => translator.t(lang, key, values);
  const c = advisory.content;
  return {
    id: advisory.id,
    ref: advisory.ref,
    title: c.title,
    tlp: c.tlp,
    tlpClass: tlpClass(c.tlp),
    tlpMeaning: t(`organisation.advisories.tlpMeaning.${c.tlp}`),
    pap: c.pap,
    papMeaning: t(`organisation.advisories.papMeaning.${c.pap}`),
    revision: advisory.revision,
    revisionsSent: advisory.revisionsSent.join(', '),
    sentAt: advisory.sentAt,
    summary: c.summary,
    affectedSystems: c.affectedSystems,
    recommendations: c.recommendations,
    references: c.references.map((r) => ({ title: r.title, url: webAddress(r.url) })),
    indicators: c.indicators.map((i) => ({
      type: i.type,
      value: i.value,
      description: i.description ?? '',
    })),
    vulnerabilities: (c.vulnerabilities ?? []).map((v) => ({
      cve: v.cve ?? null,
      title: v.title,
      description: v.description,
      cvss: v.cvssV4 ? t('organisation.advisories.cvss', { score: v.cvssV4.baseScore.toFixed(1) }) : null,
      remedy: v.remediation?.details ?? null,
      remedyUrl: webAddress(v.remediation?.url),
    })),
  };
}

/**
 * "Advisories for my bureau": the advisories sent to the reporter's bureau (the advisories module's
 * bureau service decides which; the page never sees another), and each one's reading page with its
 * TLP banner. An advisory not sent to the bureau is the 404 page.
 */
export function portalAdvisoryPages(deps: PortalAdvisoryDeps): AnyPage[] {
  const { translator } = deps;
  return [
    definePage({
      method: 'get',
      path: '/console/advisories',
      permission: 'advisory.read_own',
      handler: async ({ actor }) => {
        const advisories = await deps.advisories.list(actor);
        return {
          view: 'portal/advisories',
          title: 'organisation.advisories.title',
          data: {
            rows: advisories.map((a) => ({
              id: a.id,
              ref: a.ref,
              title: a.content.title,
              level: a.content.tlp,
              tlpClass: tlpClass(a.content.tlp),
              revision: a.revision,
              sentAt: a.sentAt,
            })),
          },
        };
      },
    }),
    definePage({
      method: 'get',
      path: '/console/advisories/:id',
      // The address every advisory mail links to, whoever receives it: CERT staff go on to the advisory
      // desk's page, a bureau's reporter reads it here, any other role is refused below.
      permission: 'self.read',
      params,
      handler: async ({ actor, params: { id }, lang }) => {
        if (actor.role !== 'system' && roleHas(actor.role, 'advisory.read')) {
          return { redirect: `/console/advisories/drafts/${id}` };
        }
        if (actor.role === 'system' || !roleHas(actor.role, 'advisory.read_own')) throw new ForbiddenError();
        const advisory = await deps.advisories.get(actor, id);
        return {
          view: 'portal/advisory',
          title: 'organisation.advisories.pageTitle',
          titleValues: { ref: advisory.ref },
          data: { advisory: reading(advisory, lang, translator) },
        };
      },
    }),
  ];
}
