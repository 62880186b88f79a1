import { ServiceUnavailableError } from '../errors.js';

/**
 * How many requests of one kind may run at once in this process. Beyond it a request is refused at
 * once with 503 and `Retry-After`, rather than queued: a queue would only add its wait to work that
 * already takes seconds, and the client (or a proxy with another API process) can retry.
 */
export class ConcurrencyLimit {
  private running = 0;

  constructor(
    /** What the limited requests are, for the refusal's message ("incident lists"). */
    readonly name: string,
    readonly max: number,
    private readonly retryAfterSeconds: number,
    /**
     * A slot held longer than this is given back even though its request has not ended: a request
     * hung on a store that went away must not keep its slot, or the limit turns into an outage that
     * lasts until the process restarts. Unset: held until the request ends.
     */
    private readonly maxHoldMs?: number,
  ) {}

  get inUse(): number {
    return this.running;
  }

  /** Takes a slot and returns its release (safe to call twice), or throws when all are taken. */
  acquire(): () => void {
    if (this.running >= this.max) {
      throw new ServiceUnavailableError(`Too many ${this.name} are running; retry shortly.`, {
        headers: { 'Retry-After': String(this.retryAfterSeconds) },
        details: { limit: this.name, max: this.max },
      });
    }
    this.running += 1;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      this.running -= 1;
    };
    const timer = this.maxHoldMs === undefined ? undefined : setTimeout(release, this.maxHoldMs);
    timer?.unref();
    return release;
  }
}

/** A route (as declared: method and Express path) whose handler runs under a concurrency limit. */
export interface RouteLimit {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  limit: ConcurrencyLimit;
}
