/**
 * The message thread's English words (spread into `en.ts` as `correspondence`): the bureau's
 * "Messages with the CERT" on the portal's incident page, and the responders' "Messages with the
 * bureau" on theirs.
 */
export const correspondenceEn = {
  bureauTitle: 'Messages with the CERT',
  certTitle: 'Messages with the bureau',
  bureauIntro:
    'Write to GovCERT about this incident. The responders are told by mail; the messages stay here, with the incident.',
  certIntro:
    "Write to the bureau's contacts about this incident. They are told by mail. The bureau sees GovCERT as the sender, not your name.",
  pageTitle: 'Messages on incident {{ref}}',
  back: 'Back to the incident',
  none: 'No messages yet.',
  cert: 'GovCERT',
  certStaff: '{{name}} (GovCERT)',
  bureauPerson: '{{name}} (bureau)',
  wrote: '{{who}}, {{when}}',
  body: 'Your message',
  hint: 'Plain text, at most {{max}} characters. Do not paste passwords or keys.',
  send: 'Send the message',
  sent: 'Your message was sent. The other side is told by mail.',
  readOnly: 'Your role reads these messages but does not write them.',
  errors: {
    empty: 'Write a message before sending it.',
    tooLong: 'The message is too long: at most {{maximum}} characters.',
  },
};
