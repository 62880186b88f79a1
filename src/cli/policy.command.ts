import type { Command } from 'commander';
import {
  formatIssue,
  loadPolicy,
  PolicyLoadError,
  runPolicyTests,
  type Policy,
  type PolicyTestReport,
} from '../triage/index.js';

const DEFAULT_DIR = 'policies';

/** Prints a load error (every issue, one per line) and marks the process as failed. */
function reportLoadError(err: unknown): void {
  if (!(err instanceof PolicyLoadError)) throw err;
  console.error(`✗ policy is invalid (${err.issues.length} problem${err.issues.length === 1 ? '' : 's'}):`);
  for (const issue of err.issues) console.error(`  ${formatIssue(issue)}`);
  process.exitCode = 1;
}

function describePolicy(policy: Policy): string {
  const packs = policy.packs.map(
    (p) => `${p.id} (${p.regime}${p.isDefault ? ', default' : ''}${p.enabled ? '' : ', disabled'})`,
  );
  return `${policy.version}\n  packs: ${packs.join(', ')}`;
}

const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));

function printReport(report: PolicyTestReport, verbose: boolean): void {
  for (const c of report.cases) {
    if (c.passed && !verbose) continue;
    console.log(`${c.passed ? '✓' : '✗'} ${c.file}: ${c.name}`);
    for (const d of c.diffs)
      console.log(`    ${d.field}: expected ${show(d.expected)}, got ${show(d.actual)}`);
  }
  const total = report.passed + report.failed;
  const summary = `${report.passed}/${total} policy test cases passed (policy ${report.policyVersion})`;
  if (report.failed > 0) console.error(`✗ ${summary}, ${report.failed} failed`);
  else console.log(`✓ ${summary}`);
}

/**
 * Registers `policy validate [dir]` and `policy test [dir]` on the admin CLI. Both exit with code 1
 * on failure (invalid pack, invalid test file, failing case) so CI can run them as they are.
 */
export function registerPolicyCommands(program: Command): Command {
  const policy = program.command('policy').description('policy packs: validate and test');

  policy
    .command('validate')
    .description('load and validate every pack, print the policy version')
    .argument('[dir]', 'policies directory (holds packs/)', DEFAULT_DIR)
    .action((dir: string) => {
      try {
        console.log(`✓ policy is valid: ${describePolicy(loadPolicy(dir))}`);
      } catch (err) {
        reportLoadError(err);
      }
    });

  policy
    .command('test')
    .description('run the policy test cases (incident in, expected decision out)')
    .argument('[dir]', 'policies directory (holds packs/ and tests/)', DEFAULT_DIR)
    .option('--tests <dir>', 'test cases directory (default: <dir>/tests)')
    .option('-v, --verbose', 'list passing cases too', false)
    .action((dir: string, options: { tests?: string; verbose: boolean }) => {
      try {
        const report = runPolicyTests(dir, options.tests);
        printReport(report, options.verbose);
        if (report.failed > 0) process.exitCode = 1;
      } catch (err) {
        reportLoadError(err);
      }
    });

  return policy;
}
