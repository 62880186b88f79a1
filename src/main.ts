import { formatDemoCredentials } from './auth/index.js';
import { formatTable } from './platform/index.js';
import { launch, say } from './launch.js';

// The embedded default (`npm start`): local Redis and FerretDB under ./var, API and workers in one
// process, demo data seeded and its keys printed. Environment variables still win over these defaults.
// The demo people sign in with a password only (CONSOLE_TOTP_REQUIRED=false), so that trying the console
// needs no authenticator app; anyone can still turn two-step verification on under "Account security".
await launch({
  defaults: { EMBEDDED: 'true', DEMO_MODE: 'true', HTTP_PORT: '8080', CONSOLE_TOTP_REQUIRED: 'false' },
  onStarted: (runtime) => {
    say('');
    say(`GovCERT incident response is running at ${runtime.url ?? '(API disabled)'}`);
    if (runtime.url) say(`  web console: ${runtime.modules.publicUrl.get()}/console`);
    say(`  health: ${runtime.url ?? ''}/readyz   metrics: ${runtime.url ?? ''}/metrics`);
    const demo = runtime.modules.demoCredentials;
    if (demo.length > 0) {
      say('');
      say('Demo API keys (issued fresh on every start; the previous demo keys are revoked):');
      say(formatDemoCredentials(demo));
      say(`  try: curl -H "Authorization: Bearer <key>" ${runtime.url ?? ''}/api/v1/me`);
    }
    const people = runtime.modules.demoSignIns;
    if (people.length > 0) {
      say('');
      say(
        `Demo console sign-ins (passwords generated once, kept in ${runtime.platform.config.DATA_DIR}/demo-passwords.json):`,
      );
      say(
        formatTable(
          ['EMAIL', 'PASSWORD'],
          people.map((person) => [person.email, person.password]),
          { rule: true },
        ),
      );
    }
    say('Press Ctrl-C to stop.');
  },
});
