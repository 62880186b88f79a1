import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../platform/http/index.js';
import { ServiceUnavailableError, type Metrics } from '../platform/index.js';
import type { QueueRegistry } from '../platform/queue/index.js';

export interface ReadinessProbe {
  mongo(): Promise<boolean>;
  redis(): Promise<boolean>;
}

const readiness = z.object({
  status: z.enum(['ready']).describe('Always `ready` in a 200; a 503 answers otherwise.'),
  checks: z
    .record(z.string(), z.enum(['up', 'down']))
    .describe('Each dependency (`mongodb`, `redis`) and whether it answers.'),
});

/** Liveness, readiness and Prometheus metrics: public, unauthenticated, cheap. */
export function healthRoutes(probe: ReadinessProbe, metrics: Metrics, queues: QueueRegistry): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      permission: 'public',
      summary: 'Liveness: the process is up',
      tags: ['health'],
      handler: () => Promise.resolve({ status: 'up' }),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      permission: 'public',
      summary: 'Readiness: MongoDB and Redis reachable (503 otherwise)',
      tags: ['health'],
      response: readiness,
      errors: { 503: 'MongoDB or Redis does not answer (`details` says which).' },
      handler: async () => {
        const [mongo, redis] = await Promise.all([probe.mongo(), probe.redis()]);
        const checks = { mongodb: mongo ? 'up' : 'down', redis: redis ? 'up' : 'down' } as const;
        if (!mongo || !redis) throw new ServiceUnavailableError('Not ready.', { details: checks });
        return { status: 'ready', checks };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      permission: 'public',
      summary: 'Prometheus metrics',
      tags: ['health'],
      produces: ['text/plain'],
      handler: async ({ res }) => {
        try {
          const depths = await queues.depths();
          for (const [queue, counts] of Object.entries(depths)) {
            for (const [state, count] of Object.entries(counts))
              metrics.queueDepth.set({ queue, state }, count);
          }
        } catch {
          // Redis down: serve the other metrics; readiness reports the outage.
        }
        res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
        return undefined;
      },
    }),
  ];
}
