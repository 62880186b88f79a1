import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line and audit event of one request (or job) can know about where it came from. */
export interface RequestContext {
  /** Ours, always generated here: logs and audit events can rely on it being unique. */
  requestId: string;
  /** The caller's X-Request-Id, when it sent a sane one: kept apart, never taken for ours. */
  clientRequestId?: string;
  jobId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `context` visible to `currentContext()` in everything it awaits. */
export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}
