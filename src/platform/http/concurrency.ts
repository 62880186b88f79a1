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
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
    };
  }
}

/** A route (as declared: method and Express path) whose handler runs under a concurrency limit. */
export interface RouteLimit {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  limit: ConcurrencyLimit;
}
