import { expect } from 'chai';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../../src/config/index.js';
import { StartRefusedError, createLogger } from '../../../src/platform/index.js';
import { startRuntime } from '../../../src/runtime.js';
import { policyRoutes } from '../../../src/triage/index.js';
import { reportBody, uniqueIndicator } from '../../factories/incident.factory.js';
import { call } from '../../helpers/http.js';
import { incidentNotificationStatuses } from '../../helpers/incident-notifications.js';
import { LogCapture, startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { isolatedUrls } from '../../helpers/services.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { tester } from './notification-fixture.js';

/** The routes the default policy's regulator packs mail: none of them is in any code of the system. */
const REGULATOR_ROUTES = ['ci-commissioner', 'nis2-csirt', 'gdpr-supervisory-authority'];

describe('Recipient lists for the routes of the policy', function () {
  this.timeout(90_000);

  describe('at start, without lists', () => {
    let urls: ReturnType<typeof isolatedUrls>;
    before(() => {
      urls = isolatedUrls('rlcover');
    });
    const signingKey = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const configFor = (env: Record<string, string>) =>
      loadConfig({
        NODE_ENV: 'test',
        HTTP_PORT: '0',
        MONGODB_URI: urls.mongodbUri,
        REDIS_URL: urls.redisUrl,
        REDIS_PREFIX: urls.prefix,
        LOG_LEVEL: 'info',
        AUDIT_SIGNING_KEY: signingKey,
        // Production API processes need a session secret; ignored where the key is unknown.
        SESSION_SECRET: randomBytes(32).toString('hex'),
        ...env,
      });
    const start = (env: Record<string, string>, logs = new LogCapture()) =>
      startRuntime(configFor(env), createLogger('info', logs), urls);

    it('when a production process starts with routes of the active policy that have no list, then it refuses, naming each list and how to create it', async () => {
      let refused: unknown;
      try {
        const runtime = await start({ NODE_ENV: 'production' });
        await runtime.stop();
      } catch (err) {
        refused = err;
      }
      expect(refused).to.be.instanceOf(StartRefusedError);
      const error = refused as StartRefusedError;
      expect(error.code).to.equal('recipient_lists_missing');
      for (const route of [...REGULATOR_ROUTES, 'giro-so', 'police-cstcb']) {
        expect(error.message).to.contain(route);
      }
      expect(error.message).to.contain('hk-ci/notifications/commissioner');
      // The incident's bureau contacts are not lists: nothing to create for them.
      expect(error.message).not.to.contain('reporting-bureau');
      expect(error.message).to.contain('govcert recipient-list put');
      expect(error.message).to.contain('PUT /api/v1/recipient-lists/');
    });

    it('when a non-production process starts without them, then it starts and warns naming them; once they exist, production starts', async () => {
      const logs = new LogCapture();
      const runtime = await start({}, logs);
      try {
        const warning = logs.lines.find((l) => l.msg?.toString().startsWith('recipient lists missing'));
        expect(warning, 'the start warning').not.to.equal(undefined);
        const missing = warning?.missing as string[];
        expect(missing).to.include.members(REGULATOR_ROUTES);
        // An operator fixes it the way the message says (the admin route; the CLI uses the same service).
        const lists = runtime.modules.notifications.lists;
        for (const route of missing) {
          await lists.upsert(tester, route, {
            name: `List ${route}`,
            organisation: 'Somewhere',
            circle: 'partner',
            members: [{ name: 'Desk', address: `${route}@lists.example` }],
          });
        }
      } finally {
        await runtime.stop();
      }
      const production = await start({ NODE_ENV: 'production' });
      await production.stop();
    });
  });

  describe('in demo mode', () => {
    let smtp: TestSmtpServer;
    let runtime: TestRuntime;
    let dataDir: string;

    before(async () => {
      smtp = await startSmtpServer();
      dataDir = mkdtempSync(join(tmpdir(), 'govcert-demo-lists-'));
      runtime = await startTestRuntime('rldemo', {
        DEMO_MODE: 'true',
        SMTP_URL: smtp.url,
        DATA_DIR: dataDir,
      });
    });
    after(async () => {
      await runtime.stop();
      await smtp.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('when demo mode starts, then every route of every installed pack resolves to recipients', async () => {
      const routes = policyRoutes(runtime.modules.intake.triage.activePolicy, { includeDisabled: true });
      expect(routes.map((r) => r.route)).to.include.members(REGULATOR_ROUTES);
      // Clock warnings go to the team of the incident's queue: every routing queue has its list too.
      expect(routes.map((r) => r.route)).to.include.members(['queue-cert-critical', 'queue-cert-general']);
      const { unresolved } = await runtime.modules.notifications.lists.resolve(
        routes.map((r) => r.route),
        { bureauId: 'WSD' },
      );
      expect(unresolved).to.deep.equal([]);
      expect(runtime.logs.lines.filter((l) => l.msg?.toString().startsWith('recipient lists missing'))).to.be
        .empty;
    });

    it('when a demo incident is triaged whose policy mails regulators, then each regulator mail is sent and no route is unresolved', async () => {
      const reporter = runtime.modules.demoCredentials.find((c) => c.bureauId === 'WSD');
      const created = await call<{ id: string }>(runtime.url, 'POST', '/api/v1/incidents', {
        key: reporter?.key ?? '',
        body: reportBody({
          personalDataInvolved: true,
          regimes: ['NIS2', 'GDPR'],
          functionalImpact: 'high',
          flags: {
            suspectedCrime: false,
            mediaInterest: false,
            capSerious: true,
            falsePositive: false,
            ransomPaid: false,
          },
          indicators: [uniqueIndicator()],
        }),
      });
      expect(created.status, created.text).to.equal(201);
      const statuses = await settledNotifications(created.body.id);
      for (const route of REGULATOR_ROUTES) expect(statuses[route], route).to.equal('sent');
      const unresolved = runtime.logs.lines.filter((l) => l.msg === 'notification routes unresolved');
      expect(unresolved).to.deep.equal([]);
    });

    /** The incident's notification statuses by route, once none is pending. */
    async function settledNotifications(id: string): Promise<Record<string, string>> {
      for (let i = 0; i < 300; i++) {
        const notes = await incidentNotificationStatuses(runtime, id);
        if (notes.length > 0 && notes.every((n) => n.status !== 'pending')) {
          return Object.fromEntries(notes.map((n) => [n.to, n.status]));
        }
        await sleep(100);
      }
      return expect.fail('the notifications never settled');
    }
  });
});
