import type { Command } from 'commander';
import { createAuthServices } from '../auth/index.js';
import { cliConfig, cliLogger } from './cli-config.js';
import { incidentPages, toTriageInput } from '../incidents/index.js';
import { connectMongo } from '../platform/db/index.js';
import {
  knownRegimes,
  loadPolicy,
  simulateDecisions,
  type SimulationResult,
  type TriageInput,
} from '../triage/index.js';

const PAGE = 100;

/** Reads every incident reported since `since` (read-only) and maps it to triage input. */
async function loadInputs(
  since: Date | undefined,
): Promise<Array<{ id: string; ref: string; input: TriageInput }>> {
  const config = cliConfig();
  const db = await connectMongo(config.MONGODB_URI ?? '', cliLogger());
  try {
    // Read-only: bureaux are only looked up here, so the regime list (for writes) is never needed.
    const bureaux = createAuthServices(db, () => knownRegimes(loadPolicy(config.POLICY_DIR))).bureaux;
    const regimes = new Map<string, string[]>();
    const inputs: Array<{ id: string; ref: string; input: TriageInput }> = [];
    for await (const page of incidentPages(db, since, PAGE)) {
      for (const incident of page) {
        if (!regimes.has(incident.bureauId)) {
          regimes.set(incident.bureauId, (await bureaux.getBureau(incident.bureauId))?.regimes ?? []);
        }
        // The campaign count as triage last saw it: simulation compares policies, not indicator data.
        const related = incident.triage?.relatedBureauxCount ?? 0;
        inputs.push({
          id: incident.id,
          ref: incident.ref,
          input: toTriageInput(incident, regimes.get(incident.bureauId) ?? [], related),
        });
      }
    }
    return inputs;
  } finally {
    await db.close();
  }
}

function print(result: SimulationResult): void {
  console.log(`current ${result.currentVersion}\ncandidate ${result.candidateVersion}`);
  for (const changed of result.changed) {
    console.log(`\n${changed.ref} (${changed.id})`);
    for (const change of changed.changes) {
      console.log(
        `  ${change.field}: ${JSON.stringify(change.current)} → ${JSON.stringify(change.candidate)}`,
      );
    }
    for (const reason of changed.reasonChanges) console.log(`    ${reason}`);
  }
  console.log(`\n${result.changed.length} of ${result.evaluated} decisions would change`);
  console.log(`${result.dueTimesChanged} of ${result.evaluated} incidents' due times would change`);
  for (const u of result.uncounted) console.log(`  not counted: ${u.ref} (${u.id}): ${u.error}`);
  if (result.uncounted.length > 0)
    console.log(`${result.uncounted.length} incidents could not be counted with a policy's calendars`);
}

/**
 * Registers `policy simulate <candidate-dir> [--since DATE] [--current DIR]`: evaluates the current and
 * the candidate policy against stored incidents and prints every decision that would change, and why.
 */
export function registerPolicySimulate(program: Command): Command {
  const policy = program.commands.find((command) => command.name() === 'policy') ?? program.command('policy');
  policy
    .command('simulate')
    .description('show which stored incidents a candidate policy would decide differently')
    .argument('<candidate-dir>', 'candidate policies directory (holds packs/)')
    .option('--since <date>', 'only incidents reported since this ISO 8601 date')
    .option('--current <dir>', 'active policies directory', 'policies')
    .action(async (candidateDir: string, options: { since?: string; current: string }) => {
      const since = options.since === undefined ? undefined : new Date(options.since);
      if (since && Number.isNaN(since.getTime()))
        throw new Error(`--since: not a date: ${options.since ?? ''}`);
      const current = loadPolicy(options.current);
      const candidate = loadPolicy(candidateDir);
      print(simulateDecisions(current, candidate, await loadInputs(since)));
    });
  return program;
}
