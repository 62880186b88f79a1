import { type PapLevel, type TlpLevel, PAP_LEVELS, TLP_LEVELS } from './advisory.types.js';

import type { RecipientCircle } from '../platform/index.js';

export type { RecipientCircle } from '../platform/index.js';

/** One address an advisory would be sent to. */
export interface DistributionRecipient {
  address: string;
  /** `list` = a mailing list or shared mailbox: its readers are not named. */
  kind: 'individual' | 'list';
  organisation: string;
  circle: RecipientCircle;
}

/** Which rule refused a recipient: pages word the refusal from it in the reader's language. */
export type RefusalCode =
  'green_public' | 'amber_wide' | 'strict_wide' | 'strict_outside' | 'red_list' | 'red_wide';

/** Why one recipient is refused. */
export interface DistributionRefusal {
  recipient: DistributionRecipient;
  reason: string;
  code: RefusalCode;
  /** The organisation an AMBER+STRICT advisory is restricted to (for `strict_outside`). */
  target?: string;
}

/** Outcome of {@link checkDistribution}. */
export type DistributionCheck = { allowed: true } | { allowed: false; reasons: DistributionRefusal[] };

/** Extra facts some levels need. */
export interface DistributionOptions {
  /**
   * The one organisation named on a `TLP:AMBER+STRICT` advisory. When absent, AMBER+STRICT stays
   * inside the sender's organisation.
   */
  targetOrganisation?: string;
}

/** `TLP:AMBER+STRICT` style label (upper case, never translated). */
export const tlpLabel = (tlp: TlpLevel): string => `TLP:${tlp}`;

/** `PAP:GREEN` style label. */
export const papLabel = (pap: PapLevel): string => `PAP:${pap}`;

/** Parses `amber`, `TLP:AMBER`, ` tlp:amber+strict ` into a level; `undefined` when unknown. */
export function parseTlp(input: string): TlpLevel | undefined {
  const bare = input.trim().toUpperCase().replace(/^TLP:/, '');
  return TLP_LEVELS.find((level) => level === bare);
}

/** Parses `green` or `PAP:GREEN` into a PAP level; `undefined` when unknown. */
export function parsePap(input: string): PapLevel | undefined {
  const bare = input.trim().toUpperCase().replace(/^PAP:/, '');
  return PAP_LEVELS.find((level) => level === bare);
}

const sameOrganisation = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

type Refusal = Omit<DistributionRefusal, 'recipient'>;
type Rule = (r: DistributionRecipient, sender: string, options: DistributionOptions) => Refusal | undefined;

/*
 * One rule per level. Each returns the reason a recipient is refused, or undefined.
 * The wording is shown to the lead who tries to send, so it says what to change.
 */
const RULES: Record<TlpLevel, Rule> = {
  CLEAR: () => undefined,
  GREEN: (r) =>
    r.circle === 'public'
      ? { code: 'green_public', reason: 'TLP:GREEN may go to the community but never to a public channel' }
      : undefined,
  AMBER: (r) =>
    r.circle === 'public' || r.circle === 'community'
      ? {
          code: 'amber_wide',
          reason: `TLP:AMBER is limited to organisations and their clients on a need-to-know basis, not the ${r.circle}`,
        }
      : undefined,
  'AMBER+STRICT': (r, sender, options) => {
    const target = options.targetOrganisation ?? sender;
    if (r.circle === 'public' || r.circle === 'community') {
      return { code: 'strict_wide', reason: `TLP:AMBER+STRICT never goes to the ${r.circle}` };
    }
    if (sameOrganisation(r.organisation, target)) return undefined;
    // The CERT is the source: its own staff may hold a copy, but only as named people.
    if (sameOrganisation(r.organisation, sender) && r.circle === 'internal' && r.kind === 'individual') {
      return undefined;
    }
    return {
      code: 'strict_outside',
      target,
      reason: `TLP:AMBER+STRICT is restricted to ${target}; ${r.organisation} is outside it`,
    };
  },
  RED: (r) => {
    if (r.kind === 'list') {
      return { code: 'red_list', reason: 'TLP:RED goes to named individuals only, never to a list' };
    }
    if (r.circle === 'public' || r.circle === 'community') {
      return { code: 'red_wide', reason: `TLP:RED goes to named participants only, not the ${r.circle}` };
    }
    return undefined;
  },
};

/**
 * Checks that sending at `tlp` to `recipients` stays within what the label allows (TLP 2.0):
 *
 * - `CLEAR`: no limit.
 * - `GREEN`: anyone in the community (lists included); never a `public` channel.
 * - `AMBER`: `internal`, `constituent` and `partner` recipients (organisations and their clients,
 *   need to know); never `community` or `public`.
 * - `AMBER+STRICT`: only recipients whose organisation is the ONE organisation named on the advisory
 *   (`options.targetOrganisation`, compared case-insensitively), lists of that organisation included.
 *   The CERT's own named staff (`organisation === senderOrganisation`, `internal`, individual) may
 *   also receive it, being the source. Without a target organisation it stays inside the sender.
 * - `RED`: named individuals only (any list is refused), never `community` or `public`.
 *
 * @returns `{ allowed: true }` or every refused recipient with its reason (never only the first).
 */
export function checkDistribution(
  tlp: TlpLevel,
  recipients: readonly DistributionRecipient[],
  senderOrganisation: string,
  options: DistributionOptions = {},
): DistributionCheck {
  const rule = RULES[tlp];
  const reasons: DistributionRefusal[] = [];
  for (const recipient of recipients) {
    const refusal = rule(recipient, senderOrganisation, options);
    if (refusal !== undefined) reasons.push({ recipient, ...refusal });
  }
  return reasons.length === 0 ? { allowed: true } : { allowed: false, reasons };
}
