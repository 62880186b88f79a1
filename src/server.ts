import { launch } from './launch.js';

// Production API process: workers run in their own processes (workers/index.ts) unless RUN_WORKERS=true.
await launch({ defaults: { RUN_WORKERS: 'false' }, overrides: { RUN_API: 'true' } });
