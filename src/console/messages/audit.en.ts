/**
 * The auditor pages' English messages (audit trail, compliance), kept in a file of their own so that
 * work on other areas' pages does not edit the same lines; `en.ts` spreads them in.
 */
export const auditEn = {
  auditTrail: {
    title: 'Audit trail',
    verifyHeading: 'Verify the chain',
    verifyIntro:
      'Recomputes every hash of the chain and checks every signed checkpoint. Give an incident id to report on that incident’s events as well.',
    incident: 'Incident id (optional)',
    incidentHelp: 'The 24 characters at the end of the incident page’s address.',
    verify: 'Verify',
    ok: 'The chain is intact: {{events}} events and {{checkpoints}} signed checkpoints checked, up to sequence number {{head}}.',
    broken:
      'The chain is broken. The first broken sequence number is {{seq}}: {{reason}}. {{events}} events were checked before it.',
    subjectOk: 'All {{count}} events about incident {{id}} verified.',
    subjectBroken: 'Incident {{id}}: {{count}} events found before the break; its share is not proven.',
    subjectNone: 'No events about incident {{id}} were found in the chain.',
    verifiedAt: 'Verified at',
    reused: 'Nothing was added since this verification, so its result is shown again.',
    reason: {
      malformed: 'an event is not in the stored shape',
      gap: 'a sequence number is missing',
      unexpected_seq: 'an event is out of order',
      prev_hash_mismatch: 'an event does not point to the hash of the event before it',
      hash_mismatch: 'an event’s contents no longer match its hash (it was changed)',
      duplicate_event_id: 'an event appears twice',
      checkpoint_signature_invalid: 'a signed checkpoint’s signature is not valid',
      checkpoint_unknown_key: 'a checkpoint was signed by a key this system does not have',
      checkpoint_mismatch: 'the chain differs from what a signed checkpoint proved',
      truncated: 'events proved by a signed checkpoint are missing from the end',
    },
    browseLink: 'Browse events',
    eventsTitle: 'Audit events',
    filters: 'Filters',
    actor: 'Actor (user id)',
    action: 'Kind of event',
    actionHelp: 'For example incident.created or auth.signin.',
    from: 'From (Hong Kong time)',
    to: 'Until (Hong Kong time)',
    apply: 'Show events',
    clear: 'Clear filters',
    seq: 'No.',
    at: 'Time',
    who: 'Actor',
    what: 'Event',
    about: 'About',
    bureau: 'Bureau',
    noEvents: 'No events match these filters.',
    next: 'Next page',
    first: 'First page',
    shown: 'Events {{first}} to {{last}} by sequence number.',
    invalidTime: 'Enter a date and time.',
    invalidId: 'Enter the 24-character id.',
  },
};

/** The shape every language gives these messages. */
export type AuditMessages = DeepStrings<typeof auditEn>;
type DeepStrings<T> = { [K in keyof T]: T[K] extends string ? string : DeepStrings<T[K]> };
