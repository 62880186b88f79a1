/** What to write when an attempt is let through to the audit trail. */
export interface Admitted {
  /** Attempts from the same source that were not recorded since its previous recorded one. */
  suppressed: number;
}

/** A source whose window closed with attempts that were counted but never recorded. */
export interface Suppressed {
  source: string;
  suppressed: number;
  since: Date;
}

interface Window {
  startedAt: number;
  suppressed: number;
}

/**
 * Lets at most one audit event per source (key id or client IP) through per window and counts the
 * rest, so an attacker hammering the API cannot flood the hash chain, yet no attempt goes uncounted:
 * the count rides on the next recorded event, or is handed out by `drain()` once the window closes.
 * Per process: with N API processes a source can produce up to N events per window.
 */
export class AuditThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly windowMs = 60_000,
    /** Bounds memory under an attack from many addresses; the oldest windows are dropped first. */
    private readonly maxSources = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Returns what to record when this attempt should be audited, or null when it is only counted. */
  admit(source: string): Admitted | null {
    const now = this.now();
    const window = this.windows.get(source);
    if (window && now - window.startedAt < this.windowMs) {
      window.suppressed += 1;
      return null;
    }
    this.windows.delete(source); // re-inserted last, so Map order stays oldest-first
    this.windows.set(source, { startedAt: now, suppressed: 0 });
    this.evictOverflow();
    return { suppressed: window?.suppressed ?? 0 };
  }

  /**
   * Closed windows that suppressed attempts, removed from memory; the caller records a summary.
   * `includeOpen` takes the open ones too (at shutdown, so no count is lost).
   */
  drain(includeOpen = false): Suppressed[] {
    const now = this.now();
    const closed: Suppressed[] = [];
    for (const [source, window] of this.windows) {
      if (!includeOpen && now - window.startedAt < this.windowMs) continue;
      this.windows.delete(source);
      if (window.suppressed > 0)
        closed.push({ source, suppressed: window.suppressed, since: new Date(window.startedAt) });
    }
    return closed;
  }

  get size(): number {
    return this.windows.size;
  }

  private evictOverflow(): void {
    for (const source of this.windows.keys()) {
      if (this.windows.size <= this.maxSources) return;
      this.windows.delete(source);
    }
  }
}
