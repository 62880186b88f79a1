// Chaos run (not part of npm test): `npx tsx bench/chaos/run.ts`. Knobs: CHAOS_SECONDS (240), CHAOS_RATE
// (5 reports/s), CHAOS_API (1), CHAOS_WORKERS (2), CHAOS_FAULTS (default | none | a schedule, see
// options.ts), CHAOS_DRAIN_SECONDS (600), CHAOS_RETRY_SECONDS (180), CHAOS_SHUTDOWN_MS (25000),
// CHAOS_DIR, CHAOS_KEEP=1, CHAOS_LOG_LEVEL (info). Exits 1 when a check fails. See bench/chaos/README.md.
import { tmpdir } from 'node:os';
import { cleanUp, runChaos } from './harness.js';
import { optionsFromEnv } from './options.js';

const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const options = optionsFromEnv(process.env, say, tmpdir());
const result = await runChaos(options, true);
console.log(result.summary);
if (cleanUp(result, options.keep)) console.log(`\nLogs, data and the exported trail: ${result.dir}`);
process.exitCode = result.passed ? 0 : 1;
