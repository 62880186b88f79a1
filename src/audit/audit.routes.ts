import { defineRoute, type AnyRoute } from '../platform/http/index.js';
import type { AuditService } from './audit.service.js';
import { listEventsQuery, verifyQuery } from './audit.schemas.js';

/** Reading and verifying the trail; there is deliberately no route that writes to it. */
export function auditRoutes(audit: AuditService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/audit/events',
      permission: 'audit.read',
      summary: 'Audit events, filtered, oldest first, paged by seq cursor',
      tags: ['audit'],
      query: listEventsQuery,
      handler: ({ query }) => audit.list(query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/audit/verify',
      permission: 'audit.verify',
      summary:
        'Recompute the hash chain and check every signed checkpoint (the last report is reused while the head has not moved)',
      tags: ['audit'],
      query: verifyQuery,
      handler: ({ query }) => audit.verifyCached(query.subjectId ? { subjectId: query.subjectId } : {}),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/audit/public-key',
      permission: 'public',
      summary: 'The Ed25519 public key (PEM) that verifies audit checkpoints',
      tags: ['audit'],
      handler: ({ res }) => {
        res.type('application/x-pem-file').send(audit.publicKeyPem());
        return Promise.resolve(undefined);
      },
    }),
  ];
}
