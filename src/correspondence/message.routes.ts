import { defineRoute, type AnyRoute } from '../platform/http/index.js';
import { incidentParams, messageViewSchema, postMessageBody, threadSchema } from './message.schemas.js';
import type { CorrespondenceService } from './message.service.js';

/** The thread of messages between the bureau and the CERT on an incident. */
export function correspondenceRoutes(messages: CorrespondenceService): AnyRoute[] {
  const tags = ['incidents'];
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/incidents/:id/messages',
      // Reporters read their own bureau's threads only (the incident is a 404 otherwise).
      permission: 'incident.read',
      summary: 'Messages between the bureau and the CERT on the incident, oldest first',
      tags,
      params: incidentParams,
      response: threadSchema,
      handler: async ({ actor, params }) => ({ items: await messages.thread(actor, params.id) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/messages',
      // Held by reporters, responders and leads; auditors read the thread but do not write to it.
      permission: 'incident.update',
      summary: 'Send a message to the other side (the bureau or the CERT), who is told by mail',
      tags,
      params: incidentParams,
      body: postMessageBody,
      status: 201,
      response: messageViewSchema,
      handler: ({ actor, params, body }) => messages.post(actor, params.id, body.body),
    }),
  ];
}
