// Runs the fault schedule against the chaos run's processes: each fault starts at its time, faults on
// the same process or on the services never overlap, and every process is back when this resolves.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault } from './options.js';
import type { AppProcess, Services, Termination } from './processes.js';

/** What one fault did, for the summary and for placing a failure after its cause. */
export interface FaultRecord {
  fault: Fault;
  label: string;
  /** Seconds since offering started. */
  started: number;
  ended: number | null;
  error: string | null;
  /** `*-term` faults: how the graceful stop went. */
  termination?: Termination;
}

export interface FaultTargets {
  apis: readonly AppProcess[];
  workers: readonly AppProcess[];
  services: Services;
  shutdownTimeoutMs: number;
  say: (line: string) => void;
}

/** How long a killed service or process stays down before it is started again. */
const DOWN_MS = 1000;

export function faultLabel(fault: Fault): string {
  if (fault.kind === 'redis-restart' || fault.kind === 'ferret-restart') return fault.kind;
  const process = `${fault.kind.startsWith('api') ? 'api' : 'worker'}-${fault.target}`;
  const verb = fault.kind.endsWith('kill') ? 'SIGKILL' : fault.kind.endsWith('term') ? 'SIGTERM' : 'SIGSTOP';
  return `${verb} ${process}${fault.kind === 'worker-stop' ? ` for ${fault.seconds ?? 0} s` : ''}`;
}

export async function runFaults(
  schedule: readonly Fault[],
  targets: FaultTargets,
  t0: number,
): Promise<FaultRecord[]> {
  const perProcess = new Map<string, Promise<unknown>>();
  const serial = (name: string, work: () => Promise<void>): Promise<void> => {
    const next = (perProcess.get(name) ?? Promise.resolve()).catch(() => undefined).then(work);
    perProcess.set(name, next);
    return next;
  };
  const since = (): number => Math.round((Date.now() - t0) / 100) / 10;

  const run = async (fault: Fault): Promise<FaultRecord> => {
    await sleep(Math.max(0, t0 + fault.atSeconds * 1000 - Date.now()));
    const record: FaultRecord = {
      fault,
      label: faultLabel(fault),
      started: since(),
      ended: null,
      error: null,
    };
    targets.say(`  t=${record.started}s fault: ${record.label}`);
    try {
      await apply(fault, targets, serial, record);
    } catch (err) {
      record.error = (err as Error).message;
      targets.say(`! fault ${record.label} failed: ${record.error}`);
    }
    record.ended = since();
    return record;
  };
  return Promise.all(schedule.map(run));
}

async function apply(
  fault: Fault,
  targets: FaultTargets,
  serial: (name: string, work: () => Promise<void>) => Promise<void>,
  record: FaultRecord,
): Promise<void> {
  if (fault.kind === 'redis-restart') {
    await targets.services.restartRedis(DOWN_MS);
    return;
  }
  if (fault.kind === 'ferret-restart') {
    await targets.services.restartFerret(DOWN_MS);
    return;
  }
  const pool = fault.kind.startsWith('api') ? targets.apis : targets.workers;
  const target = pool.at(fault.target);
  if (!target) throw new Error(`no process ${fault.target}`);
  if (fault.kind === 'worker-stop') {
    let stopped: ReturnType<AppProcess['pause']> = null;
    await serial(target.name, () => {
      stopped = target.pause();
      return Promise.resolve();
    });
    await sleep((fault.seconds ?? 0) * 1000);
    await serial(target.name, () => {
      target.resume(stopped);
      return Promise.resolve();
    });
    return;
  }
  await serial(target.name, async () => {
    if (fault.kind.endsWith('kill')) {
      await target.kill();
      await sleep(DOWN_MS);
    } else {
      record.termination = await target.terminate(targets.shutdownTimeoutMs);
    }
    await target.start();
  });
}
