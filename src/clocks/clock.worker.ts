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
    // A `sync` (recorded by a triage decision's write) also re-adds lost timers and re-files the
    // incident's queue row when the clocks themselves did not move; a timer that finds nothing to do
    // writes nothing.
    process: async ({ incidentId, at, kind }) =>
      service.catchUp(incidentId, { notBefore: at, fired: kind !== 'sync' }),
  };
}
