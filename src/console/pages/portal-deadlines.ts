import { isBureauObligation } from '../../clocks/index.js';

/** A clock as stored on an incident: a bare triage spec until the clock rules sync it, then with a state. */
export interface StoredClock {
  key: string;
  name: string;
  /** The policy's Chinese name; absent on clocks stored before the policy had one. */
  nameZh?: string;
  obligation: string;
  dueAt?: Date | null;
  /** Set once the report was made (late when the state is `breached`). */
  metAt?: Date | null;
}

/** A clock's state; a bare triage spec (not yet synced by the clock rules) runs once it has a due time. */
export function clockState(clock: StoredClock): string {
  const state = (clock as { state?: unknown }).state;
  if (typeof state === 'string') return state;
  return clock.dueAt ? 'running' : 'pending';
}

/** The bureau's own clocks (its reports); the CERT's acknowledge and contain clocks are not the bureau's. */
export function bureauClocks<C extends StoredClock>(clocks: readonly C[]): C[] {
  return clocks.filter((clock) => isBureauObligation(clock.obligation));
}

/** The clock a bureau owes next: its names (see `clockName`) and due time. */
export interface NextDeadline {
  name: string;
  nameZh?: string;
  dueAt: Date;
}

/** The next report the bureau owes: the earliest due time among its clocks still open. */
export function nextBureauDeadline(clocks: readonly StoredClock[]): NextDeadline | null {
  let next: NextDeadline | null = null;
  for (const clock of bureauClocks(clocks)) {
    const state = clockState(clock);
    // A breached clock is still owed until the report is made; made late, it is owed no more.
    const owed = state === 'running' || (state === 'breached' && !clock.metAt);
    if (!owed || !clock.dueAt) continue;
    const dueAt = new Date(clock.dueAt);
    if (!next || dueAt < next.dueAt)
      next = { name: clock.name, ...(clock.nameZh !== undefined ? { nameZh: clock.nameZh } : {}), dueAt };
  }
  return next;
}

/** How long is left until `dueAt` (or how long overdue) as a message key and its values. */
export function timeLeft(
  dueAt: Date,
  now: Date,
): { key: string; values: Record<string, number>; overdue: boolean } {
  const ms = dueAt.getTime() - now.getTime();
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (ms < 0) return { key: 'portal.list.overdue', values: { h, m }, overdue: true };
  if (h >= 48)
    return { key: 'portal.list.leftDays', values: { d: Math.floor(h / 24), h: h % 24 }, overdue: false };
  return { key: 'portal.list.left', values: { h, m }, overdue: false };
}
