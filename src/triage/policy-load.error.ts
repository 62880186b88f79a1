/** One problem found while loading a policy. */
export interface PolicyIssue {
  /** File, relative to the policies directory (or the directory itself for layout problems). */
  file: string;
  /** Where in the file, e.g. `clocks[2].duration`; empty for the whole file. */
  path: string;
  reason: string;
}

/**
 * Thrown by `loadPolicy` when a pack cannot be used. `file`, `path` and `reason` describe the first
 * problem; `issues` holds all of them so an author can fix a pack in one pass.
 */
export class PolicyLoadError extends Error {
  override readonly name = 'PolicyLoadError';
  readonly file: string;
  readonly path: string;
  readonly reason: string;

  constructor(readonly issues: readonly PolicyIssue[]) {
    const first = issues[0] ?? { file: '', path: '', reason: 'unknown policy error' };
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(`${formatIssue(first)}${more}`);
    this.file = first.file;
    this.path = first.path;
    this.reason = first.reason;
  }
}

/** `file: path: reason`, the form the CLI prints. */
export function formatIssue(issue: PolicyIssue): string {
  return [issue.file, issue.path, issue.reason].filter((s) => s !== '').join(': ');
}

/** Formats a zod-style path as `clocks[2].duration`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((step, i) => (typeof step === 'number' ? `[${step}]` : `${i === 0 ? '' : '.'}${String(step)}`))
    .join('');
}
