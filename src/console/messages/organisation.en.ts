/**
 * The bureau portal's "Advisories" and "My organisation" words (spread into `en.ts` as `organisation`).
 * TLP and PAP labels are not here: they stay in English, upper case, in every language (TLP 2.0).
 */
export const organisationEn = {
  nav: 'My organisation',
  title: 'My organisation',
  titleOf: 'Organisation: {{name}}',
  intro:
    'Your bureau as GovCERT knows it, and the people GovCERT contacts about its incidents and advisories.',
  details: 'The bureau',
  name: 'Name',
  code: 'Code',
  regimes: 'Reporting regimes',
  state: 'State',
  active: 'Active',
  deactivated: 'Deactivated: it files no new reports',
  whoMayEdit: 'Who may change these contacts',
  whoMayEditText:
    'Reporters of this bureau may change its contacts and confirm they are current; GovCERT administrators may change any bureau’s. Every change and confirmation is recorded in the audit trail with who made it.',
  contacts: 'Contacts',
  noContacts: 'This bureau has no contacts yet.',
  contactName: 'Name',
  contactRole: 'Role',
  contactEmail: 'Email address',
  contactPhone: 'Phone',
  contactRoundTheClock: 'Round the clock',
  yes: 'Yes',
  no: 'No',
  noPhone: '–',
  g3Title: 'Round-the-clock contacts (G3 18.1)',
  g3Rule:
    'The IT Security Guidelines (G3 18.1) ask every bureau to name two contacts GovCERT can reach at any hour, each with a phone number.',
  g3Count: 'Round-the-clock contacts named: {{named}} of {{required}} required.',
  g3Met: 'This bureau meets G3 18.1.',
  g3Missing: 'This bureau does not meet G3 18.1: name {{missing}} more round-the-clock contact(s) below.',
  confirmedTitle: 'Confirmed current',
  lastConfirmed: 'Last confirmed',
  confirmedBy: 'Confirmed by',
  neverConfirmed: 'Nobody has confirmed these contacts yet.',
  confirmEvery: 'Contacts are confirmed at least every {{days}} days.',
  reminderDue:
    'Please check these contacts: they were last confirmed more than {{days}} days ago. Correct them below if needed, or confirm they are current.',
  reminderNever:
    'Please check these contacts: nobody has confirmed them yet. Correct them below if needed, or confirm they are current.',
  reminderHome: 'Your bureau’s contacts have not been confirmed for {{days}} days or more.',
  reminderHomeLink: 'Check and confirm them',
  confirm: 'Confirm these contacts are current',
  confirmed: 'Thank you: the contacts are recorded as confirmed current.',
  editTitle: 'Change the contacts',
  editIntro:
    'Change, add or remove contacts, then save. To remove a contact, empty all its fields. Saving also records the contacts as confirmed current.',
  contactLegend: 'Contact {{n}}',
  newContactLegend: 'New contact {{n}}',
  phoneHint:
    'A number to call at any hour, for example +852 2123 4567. Needed for a round-the-clock contact.',
  roleHint: 'For example ISIRT Commander, Incident Response Manager, Round-the-clock contact.',
  roundTheClockLabel: 'Reachable round the clock (one of the two G3 18.1 contacts)',
  save: 'Save the contacts',
  saved: 'The contacts are saved and recorded as confirmed current.',
  unchanged: 'Nothing changed: the contacts are as they were.',
  errors: {
    phone: 'Enter a phone number such as +852 2123 4567.',
    phoneNeeded: 'A round-the-clock contact needs a phone number.',
    tooMany: 'A bureau has at most {{maximum}} contacts.',
  },
  advisories: {
    nav: 'Advisories',
    title: 'Advisories for my bureau',
    pageTitle: 'Advisory {{ref}}',
    intro:
      'The advisories GovCERT sent to your bureau’s contacts. Each carries its TLP label: share it only as far as the label allows.',
    empty: 'GovCERT has not sent your bureau any advisory yet.',
    tlp: 'TLP',
    ref: 'Reference',
    titleColumn: 'Title',
    revision: 'Revision',
    sentAt: 'Sent to your bureau',
    back: 'All advisories for my bureau',
    pap: 'PAP',
    revisionOf: 'Revision {{revision}}',
    revisionsSent: 'Revisions sent to your bureau',
    summary: 'Summary',
    affectedSystems: 'Affected systems',
    recommendations: 'What to do',
    indicators: 'Indicators',
    indicatorType: 'Type',
    indicatorValue: 'Indicator',
    indicatorDescription: 'What it is',
    noIndicators: 'This advisory lists no indicators.',
    vulnerabilities: 'Vulnerabilities',
    cvss: 'CVSS v4.0 base score {{score}}',
    remedy: 'What to do about it',
    references: 'Read further',
    tlpMeaning: {
      CLEAR: 'Disclosure is not limited: you may share it freely.',
      GREEN: 'Share within your organisation and the wider community, but not on public channels.',
      AMBER: 'Share only within your organisation and its clients, on a need-to-know basis.',
      'AMBER+STRICT': 'Share only within your organisation, on a need-to-know basis.',
      RED: 'For the named recipients only: do not share it further.',
    },
    papMeaning: {
      CLEAR: 'No limit on how you act on it.',
      GREEN: 'You may act on it actively (for example block the indicators).',
      AMBER: 'Passive cross-checks only (for example search your logs).',
      RED: 'Passive use only: do not act on it where it could be noticed.',
    },
  },
};

/** The shape every language gives these messages. */
export type OrganisationMessages = DeepStrings<typeof organisationEn>;
type DeepStrings<T> = { [K in keyof T]: T[K] extends string ? string : DeepStrings<T[K]> };
