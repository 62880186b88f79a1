import { launch } from '../src/launch.js';

// Worker process: every queue's worker, no HTTP API. SIGTERM stops taking jobs and drains running ones.
await launch({ overrides: { RUN_API: 'false', RUN_WORKERS: 'true' } });
