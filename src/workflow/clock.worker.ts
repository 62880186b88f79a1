import type { WorkerSpec } from '../platform/queue/index.js';
import type { ClockService } from './clock.service.js';

/**
 * The `clocks` queue's processor. Whatever the job's kind (warning, due, escalation, repeat, sync),
 * the worker re-reads the incident and catches its clocks up to now: a met clock does nothing, a
 * step already taken is not taken again, a late or duplicate job is harmless.
 */
export function clockWorker(service: ClockService, concurrency = 8): WorkerSpec<'clocks'> {
  return {
    queue: 'clocks',
    concurrency,
    // Never earlier than the job's own time: on a clock slightly behind another process's, a due job
    // must still see its clock as due, or it would re-add itself under its own (running) id.
    process: async ({ incidentId, at }) => service.catchUp(incidentId, { notBefore: at, fired: true }),
  };
}
