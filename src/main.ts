import { launch, say } from './launch.js';

// The embedded default (`npm start`): local Redis and FerretDB under ./var, API and workers in one
// process, demo data seeded and its keys printed. Environment variables still win over these defaults.
await launch({
  defaults: { EMBEDDED: 'true', DEMO_MODE: 'true', HTTP_PORT: '8080' },
  onStarted: (runtime) => {
    say('');
    say(`GovCERT incident response is running at ${runtime.url ?? '(API disabled)'}`);
    say(`  health: ${runtime.url ?? ''}/readyz   metrics: ${runtime.url ?? ''}/metrics`);
    say('Press Ctrl-C to stop.');
  },
});
