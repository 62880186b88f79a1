import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { testConfig } from '../../helpers/runtime.js';
import { govcertOn, loadWorkedStore } from './migration-fixture.js';

const POLICIES = resolve(import.meta.dirname, '../../../policies');

/**
 * `govcert policy simulate` reads the stored incidents through the incidents module's own pages (no
 * other module holds its repository, issue 16 item 11) and decides each with both policies.
 */
describe('govcert policy simulate on a stored database', function () {
  this.timeout(120_000);

  it('when a candidate routes ransomware to another queue, then every stored ransomware incident is listed with its queue change, and the count says so', async () => {
    const { urls } = testConfig('simulate');
    const store = await loadWorkedStore(urls.mongodbUri, 'follow-ups-store.json');
    const govcert = govcertOn(urls.mongodbUri);
    await govcert('migrate');
    const candidate = mkdtempSync(join(tmpdir(), 'candidate-'));
    try {
      cpSync(POLICIES, candidate, { recursive: true });
      const routing = join(candidate, 'packs/hk-gov/routing.yaml');
      writeFileSync(
        routing,
        readFileSync(routing, 'utf8').replace('queue: cert-malware', 'queue: cert-ransomware'),
      );

      const { stdout } = await govcert('policy', 'simulate', candidate, '--current', POLICIES);
      const total = store.incidents.length;
      expect(stdout).to.include(`${String(total)} of ${String(total)} decisions would change`);
      for (const incident of store.incidents) {
        expect(stdout).to.include(`${String(incident.ref)} (${String(incident._id)})`);
      }
      expect(stdout).to.include('queue: "cert-malware" → "cert-ransomware"');
    } finally {
      rmSync(candidate, { recursive: true, force: true });
    }
  });
});
