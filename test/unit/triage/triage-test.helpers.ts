import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeInput, DEFAULT_TEST_INPUT } from '../../../src/triage/policy-test.defaults.js';
import { triageInputSchema, type TriageInput } from '../../../src/triage/index.js';

/** A valid TriageInput: the policy-test defaults with `over` merged in. */
export function makeInput(over: Record<string, unknown> = {}): TriageInput {
  return triageInputSchema.parse(mergeInput(DEFAULT_TEST_INPUT, over));
}

/** Copies `policies/` to a fresh temporary directory, applies file writes, returns its path. */
export function policyCopy(files: Record<string, string> = {}, source = 'policies'): string {
  const dir = mkdtempSync(join(tmpdir(), 'policy-'));
  cpSync(source, dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
