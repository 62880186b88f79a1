// Entry of a one-shot worker thread of `PolicyReviewService.runTests`: loads the policies directory
// and runs its test cases (a second or more of CPU) away from the event loop that serves requests.
import { parentPort, workerData } from 'node:worker_threads';
import { PolicyLoadError, runPolicyTests } from '../triage/index.js';

const port = parentPort;
if (!port) throw new Error('policy-test-thread must run as a worker thread');
const { dir } = workerData as { dir: string };
try {
  port.postMessage({ ok: true, report: runPolicyTests(dir) });
} catch (err) {
  if (!(err instanceof PolicyLoadError)) throw err;
  port.postMessage({ ok: false, issues: err.issues });
}
