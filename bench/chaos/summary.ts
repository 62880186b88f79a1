// The chaos run's summary: the fault timeline, then one row per check with its count and verdict, then
// the evidence behind every row that is wrong.
import { formatTable } from '../../src/platform/index.js';
import type { Check } from './checks.js';
import type { FaultRecord } from './faults.js';

const verdict = (ok: boolean | null): string => (ok === null ? '' : ok ? 'ok' : 'FAIL');

export function failedChecks(checks: readonly Check[]): Check[] {
  return checks.filter((check) => check.ok === false);
}

export function formatSummary(
  title: string,
  faults: readonly FaultRecord[],
  checks: readonly Check[],
): string {
  const lines = [title, ''];
  if (faults.length > 0) {
    lines.push(
      formatTable(
        ['T (s)', 'FAULT', 'DONE (s)', 'NOTE'],
        faults.map((f) => [
          String(f.started),
          f.label,
          f.ended === null ? '-' : String(f.ended),
          f.error ?? (f.termination ? `exit ${f.termination.signal ?? String(f.termination.code)}` : ''),
        ]),
        { rule: true },
      ),
      '',
    );
  }
  lines.push(
    formatTable(
      ['CHECK', 'COUNT', 'RESULT'],
      checks.map((c) => [c.name, c.value, verdict(c.ok)]),
      { rule: true },
    ),
  );
  const failed = failedChecks(checks);
  for (const check of failed) {
    lines.push('', `FAIL ${check.name}: ${check.value}`, ...(check.detail ?? []).map((d) => `    ${d}`));
  }
  lines.push('', failed.length === 0 ? 'All checks passed.' : `${failed.length} checks failed.`);
  return lines.join('\n');
}
