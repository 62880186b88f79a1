import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { CalendarRangeError } from '../clocks/calendar/index.js';
import { diffKeyed, diffPlain, toPlain, type FieldDifference } from './decision-diff.js';
import { formatPath, PolicyLoadError, type PolicyIssue } from './policy-load.error.js';
import { loadPolicy } from './policy.loader.js';
import { evaluatePolicy } from './policy.evaluator.js';
import { DEFAULT_TEST_INPUT, DEFAULT_TEST_NOW, mergeInput } from './policy-test.defaults.js';
import { testFileSchema, type Expectation, type TestFile } from './policy-test.schema.js';
import { triageInputSchema, type TriageInput } from './triage-input.js';
import type { TriageDecision } from './triage-decision.types.js';
import type { Policy } from './policy.types.js';

/** A mismatch between the expected and the actual decision. */
export interface ExpectationDiff {
  field: string;
  expected: unknown;
  actual: unknown;
}

export interface PolicyTestCaseResult {
  file: string;
  name: string;
  passed: boolean;
  diffs: ExpectationDiff[];
}

export interface PolicyTestReport {
  policyVersion: string;
  passed: number;
  failed: number;
  cases: PolicyTestCaseResult[];
}

type Keyed = Record<string, unknown> & { key: string };
const plainList = (v: unknown) => (toPlain(v) ?? []) as Keyed[];

/** Compares only what the expectation names; see `expectationSchema` for the list forms. */
export function compareDecision(expect: Expectation, decision: TriageDecision): ExpectationDiff[] {
  const out: FieldDifference[] = [];
  for (const f of ['severity', 'categoryClass', 'reportable', 'queue'] as const) {
    if (expect[f] !== undefined) diffPlain(f, expect[f], decision[f], out);
  }
  if (expect.regimes) diffPlain('regimes', [...expect.regimes].sort(), [...decision.regimes].sort(), out);
  const lists = [
    ['clocks', expect.clocks, expect.clocksInclude, expect.clocksExclude, decision.clocks],
    [
      'notifications',
      expect.notifications,
      expect.notificationsInclude,
      expect.notificationsExclude,
      decision.notifications,
    ],
    ['escalation', expect.escalation, undefined, undefined, decision.escalation],
  ] as const;
  for (const [name, exact, include, exclude, actual] of lists) {
    const got = plainList(actual);
    if (exact) diffKeyed(name, plainList(exact), got, out, { partial: true, exact: true });
    if (include) diffKeyed(name, plainList(include), got, out, { partial: true, exact: false });
    for (const key of exclude ?? []) {
      const found = got.find((g) => g.key === key);
      if (found) out.push({ field: `${name}[${key}]`, left: undefined, right: found });
    }
  }
  const rules = new Set(decision.reasons.map((r) => r.rule));
  for (const rule of expect.reasons ?? [])
    if (!rules.has(rule)) out.push({ field: 'reasons', left: rule, right: undefined });
  for (const rule of expect.reasonsExclude ?? [])
    if (rules.has(rule)) out.push({ field: 'reasons', left: undefined, right: rule });
  return out.map((d) => ({ field: d.field, expected: d.left, actual: d.right }));
}

function issuesOf(file: string, prefix: Array<string | number>, error: z.ZodError): PolicyIssue[] {
  return error.issues.map((i) => ({
    file,
    path: formatPath([...prefix, ...i.path, ...(i.code === 'unrecognized_keys' ? i.keys : [])]),
    reason: i.message,
  }));
}

/**
 * The policy with the named disabled packs switched on, so a proposed law's pack can be tested before
 * it is enabled. Naming a pack that does not exist or is already on is an issue of the test file.
 */
function withEnabled(policy: Policy, ids: readonly string[], file: string, issues: PolicyIssue[]): Policy {
  ids.forEach((id, i) => {
    const pack = policy.packs.find((p) => p.id === id);
    if (!pack) issues.push({ file, path: `enable[${i}]`, reason: `no pack "${id}"` });
    else if (pack.enabled)
      issues.push({ file, path: `enable[${i}]`, reason: `pack "${id}" is already enabled` });
  });
  if (ids.length === 0) return policy;
  return { ...policy, packs: policy.packs.map((p) => (ids.includes(p.id) ? { ...p, enabled: true } : p)) };
}

/** Evaluates one case: its decision compared, or the calendar error it expects (or did not). */
function runCase(policy: Policy, input: TriageInput, c: TestFile['cases'][number]): ExpectationDiff[] {
  const now = c.now ?? new Date(DEFAULT_TEST_NOW);
  let decision: TriageDecision;
  try {
    decision = evaluatePolicy(policy, input, now, { met: c.obligations });
  } catch (err) {
    if (!(err instanceof CalendarRangeError)) throw err;
    const expected = c.expect.error;
    return expected !== undefined && err.message.includes(expected)
      ? []
      : [{ field: 'error', expected, actual: err.message }];
  }
  if (c.expect.error !== undefined) return [{ field: 'error', expected: c.expect.error, actual: undefined }];
  return compareDecision(c.expect, decision);
}

/**
 * Runs the policy's own test cases (`<testsDir>/*.yaml`, by default `<dir>/tests`) against the
 * policy in `dir`. Cases are evaluated in file and case order; every case is reported.
 * @throws PolicyLoadError when the policy or a test file is invalid (file, path and reason given).
 */
export function runPolicyTests(dir: string, testsDir: string = join(dir, 'tests')): PolicyTestReport {
  const policy = loadPolicy(dir);
  const files = readdirSync(testsDir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  const issues: PolicyIssue[] = [];
  const cases: PolicyTestCaseResult[] = [];
  for (const name of files) {
    const full = join(testsDir, name);
    const file = relative(dir, full).startsWith('..') ? full : relative(dir, full);
    let raw: unknown;
    try {
      raw = parse(readFileSync(join(testsDir, name), 'utf8'), { uniqueKeys: true });
    } catch (err) {
      issues.push({
        file,
        path: '',
        reason: `invalid YAML: ${err instanceof Error ? err.message : String(err)}`,
      });
      continue;
    }
    const parsed = testFileSchema.safeParse(raw);
    if (!parsed.success) {
      issues.push(...issuesOf(file, [], parsed.error));
      continue;
    }
    const defaults = mergeInput(DEFAULT_TEST_INPUT, parsed.data.defaults ?? {});
    const tested = withEnabled(policy, parsed.data.enable, file, issues);
    parsed.data.cases.forEach((c, i) => {
      const input = triageInputSchema.safeParse(mergeInput(defaults, c.input));
      if (!input.success) {
        issues.push(...issuesOf(file, ['cases', i, 'input'], input.error));
        return;
      }
      const diffs = runCase(tested, input.data, c);
      cases.push({ file, name: c.name, passed: diffs.length === 0, diffs });
    });
  }
  if (issues.length > 0) throw new PolicyLoadError(issues);
  const failed = cases.filter((c) => !c.passed).length;
  return { policyVersion: policy.version, passed: cases.length - failed, failed, cases };
}
