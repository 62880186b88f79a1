import { formatDemoCredentials } from './auth/index.js';
import { launch, say } from './launch.js';

// The embedded default (`npm start`): local Redis and FerretDB under ./var, API and workers in one
// process, demo data seeded and its keys printed. Environment variables still win over these defaults.
await launch({
  defaults: { EMBEDDED: 'true', DEMO_MODE: 'true', HTTP_PORT: '8080' },
  onStarted: (runtime) => {
    say('');
    say(`GovCERT incident response is running at ${runtime.url ?? '(API disabled)'}`);
    say(`  health: ${runtime.url ?? ''}/readyz   metrics: ${runtime.url ?? ''}/metrics`);
    const demo = runtime.modules.demoCredentials;
    if (demo.length > 0) {
      say('');
      say('Demo API keys (issued fresh on every start; the previous demo keys are revoked):');
      say(formatDemoCredentials(demo));
      say(`  try: curl -H "Authorization: Bearer <key>" ${runtime.url ?? ''}/api/v1/me`);
    }
    say('Press Ctrl-C to stop.');
  },
});
