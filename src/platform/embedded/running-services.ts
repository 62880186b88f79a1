import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** Where `npm start` says which embedded services it runs, so the `govcert` CLI can find them. */
export const RUNNING_SERVICES_FILE = 'services.json';

const runningServicesSchema = z.object({
  pid: z.number().int().positive(),
  mongodbUri: z.string().min(1),
  redisUrl: z.string().min(1),
  demo: z.boolean(),
  startedAt: z.string(),
});

/** The addresses an embedded start serves on, recorded in its data folder. */
export type RunningServices = z.infer<typeof runningServicesSchema>;

/** Records the running services (written to a temporary name and renamed: never read half-written). */
export function recordRunningServices(dataDir: string, services: RunningServices): void {
  const file = join(dataDir, RUNNING_SERVICES_FILE);
  writeFileSync(`${file}.${services.pid}.tmp`, `${JSON.stringify(services, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.${services.pid}.tmp`, file);
}

/** Removes the record, if it is this process's own. */
export function forgetRunningServices(dataDir: string, pid: number): void {
  const recorded = readRecord(dataDir);
  if (recorded.state === 'found' && recorded.services.pid === pid) {
    rmSync(join(dataDir, RUNNING_SERVICES_FILE), { force: true });
  }
}

/** What the data folder says about a running embedded start. */
export type RunningServicesLookup =
  | { state: 'running'; services: RunningServices }
  | { state: 'stale'; services: RunningServices }
  | { state: 'none' };

/** The recorded services, and whether the process that recorded them still runs. */
export function findRunningServices(dataDir: string): RunningServicesLookup {
  const recorded = readRecord(dataDir);
  if (recorded.state === 'none') return recorded;
  return { state: processAlive(recorded.services.pid) ? 'running' : 'stale', services: recorded.services };
}

function readRecord(dataDir: string): { state: 'found'; services: RunningServices } | { state: 'none' } {
  let text: string;
  try {
    text = readFileSync(join(dataDir, RUNNING_SERVICES_FILE), 'utf8');
  } catch {
    return { state: 'none' };
  }
  const parsed = runningServicesSchema.safeParse(JSON.parse(text));
  return parsed.success ? { state: 'found', services: parsed.data } : { state: 'none' };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
