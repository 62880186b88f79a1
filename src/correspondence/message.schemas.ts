import { z } from 'zod';
import { MESSAGE_BODY_MAX, MESSAGE_SIDES, THREAD_LIMIT } from './message.types.js';

/** Control characters other than tab and line breaks: never part of a plain-text message. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** A message body: plain text, trimmed, line breaks kept as `\n`, 1 to MESSAGE_BODY_MAX characters. */
export const messageBody = z
  .string()
  .transform((text) => text.replace(/\r\n?/g, '\n').replace(CONTROL, '').trim())
  .pipe(
    z
      .string()
      .min(1, 'must not be empty')
      .max(MESSAGE_BODY_MAX, `must be at most ${MESSAGE_BODY_MAX} characters`),
  );

/** `POST /api/v1/incidents/:id/messages`. */
export const postMessageBody = z.strictObject({
  body: messageBody.describe(
    `The message, plain text (line breaks kept, trimmed), 1 to ${MESSAGE_BODY_MAX} characters. It is stored with the incident and never mailed: the other side is told by mail that it is there.`,
  ),
});
export type PostMessageInput = z.output<typeof postMessageBody>;

export const incidentParams = z.strictObject({
  id: z
    .string()
    .regex(/^[a-f0-9]{24}$/)
    .describe('Incident id.'),
});

/** One message as the API answers it. */
export const messageViewSchema = z
  .object({
    id: z.string().describe('Message id.'),
    incidentId: z.string().describe('The incident it is about.'),
    side: z.enum(MESSAGE_SIDES).describe('Who wrote: `bureau` (the reporting bureau) or `cert`.'),
    author: z
      .object({
        name: z.string().describe('Display name.'),
        role: z.string().describe('Role at the time: `reporter`, `responder` or `lead`.'),
      })
      .nullable()
      .describe(
        "The writer; null for the CERT's messages when a bureau reads (it sees GovCERT as one party).",
      ),
    body: z.string().describe('The message, plain text.'),
    createdAt: z.iso.datetime().describe('When it was written (UTC).'),
  })
  .describe('One message between the bureau and the CERT on the incident.');

export const threadSchema = z.object({
  items: z.array(messageViewSchema).describe(`The latest ${THREAD_LIMIT} messages, oldest first.`),
});
