import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { verifyExportFile } from '../../../src/audit/index.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

interface ExportView {
  id: string;
  status: string;
  progress: { percent: number; rows: number };
  links: { self: string; download?: string };
}

describe('reports: the audit trail export verifies offline', function () {
  this.timeout(60_000);
  let runtime: TestRuntime;
  let auditor: TestActor;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trail-export-'));
    runtime = await startTestRuntime('trailexp', { DATA_DIR: dir });
    auditor = await createActor(runtime, { role: 'auditor' });
  });
  after(async () => {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function finished(id: string): Promise<ExportView> {
    for (let i = 0; i < 200; i += 1) {
      const polled = await call<ExportView>(runtime.url, 'GET', `/api/v1/exports/${id}`, {
        key: auditor.key,
      });
      if (polled.body.status === 'done' || polled.body.status === 'failed') return polled.body;
      await sleep(100);
    }
    throw new Error('export did not finish');
  }

  it('when the trail is exported through the API, then the file verifies, and fails after one edited line', async () => {
    // The key issued to the auditor reaches the chain through the outbox relay: wait until it has.
    for (let i = 0; i < 100; i += 1) {
      const page = await call<{ events: unknown[] }>(
        runtime.url,
        'GET',
        '/api/v1/audit/events?action=apikey.created',
        {
          key: auditor.key,
        },
      );
      if (page.body.events.length > 0) break;
      await sleep(100);
    }
    const created = await call<ExportView>(runtime.url, 'POST', '/api/v1/exports', {
      key: auditor.key,
      body: { kind: 'trail', format: 'ndjson', filter: { from: '2020-01-01T00:00:00Z' } },
    });
    expect(created.status).to.equal(202);
    expect(created.body.status).to.equal('queued');
    const done = await finished(created.body.id);
    expect(done).to.include({ status: 'done' });
    expect(done.progress.percent).to.equal(100);
    expect(done.progress.rows).to.be.greaterThan(2);

    const download = await call(runtime.url, 'GET', done.links.download ?? '', { key: auditor.key });
    expect(download.status).to.equal(200);
    expect(download.headers.get('content-disposition')).to.match(
      /^attachment; filename="?govcert-audit-trail-.*\.ndjson"?$/,
    );
    const file = join(dir, 'trail.ndjson');
    writeFileSync(file, download.text);
    const publicKey = await call(runtime.url, 'GET', '/api/v1/audit/public-key');
    const report = await verifyExportFile(file, { publicKeyPem: publicKey.text });
    expect(report.ok, JSON.stringify(report.firstBad)).to.equal(true);
    expect(report.eventsChecked).to.be.greaterThan(0);

    const lines = download.text.split('\n');
    const victim = lines.findIndex(
      (line) => line.includes('"kind":"event"') && line.includes('"action":"apikey.created"'),
    );
    expect(victim).to.be.greaterThan(0);
    lines[victim] = lines[victim].replace('"action":"apikey.created"', '"action":"apikey.revoked"');
    writeFileSync(file, lines.join('\n'));
    const tampered = await verifyExportFile(file, { publicKeyPem: publicKey.text });
    expect(tampered.ok).to.equal(false);
    expect(tampered.firstBad?.reason).to.equal('hash_mismatch');
  });

  it('when the trail is rendered as HTML, then it shows the verification and the signing checkpoints', async () => {
    const answer = await call(runtime.url, 'GET', '/api/v1/reports/trail?format=html', { key: auditor.key });
    expect(answer.status).to.equal(200);
    expect(answer.text).to.match(/Verified: the hash chain recomputes from seq 1 to \d+/);
    expect(answer.text).to.include('Checkpoints covering the selection').and.include('BEGIN PUBLIC KEY');
    expect(answer.text).to.match(/<td class="hash">[A-Za-z0-9+/]{80,}(&#x3D;){0,2}<\/td>/); // an Ed25519 signature, `=` escaped
  });

  it('when exports are requested and downloaded, then each step is an audit event naming who and which filters', async () => {
    const created = await call<ExportView>(runtime.url, 'POST', '/api/v1/exports', {
      key: auditor.key,
      body: { kind: 'register', format: 'csv', filter: { bureauId: 'RPTA' } },
    });
    const done = await finished(created.body.id);
    await call(runtime.url, 'GET', done.links.download ?? '', { key: auditor.key });
    await call(runtime.url, 'GET', '/api/v1/reports/register?format=ndjson&severity=S1', {
      key: auditor.key,
    });
    const actions = async () => {
      const page = await call<{
        events: Array<{
          action: string;
          actor: { userId: string };
          subject: { id: string };
          data: Record<string, unknown>;
        }>;
      }>(runtime.url, 'GET', `/api/v1/audit/events?actorUserId=${auditor.userId}&limit=500`, {
        key: auditor.key,
      });
      return page.body.events;
    };
    let events = await actions();
    for (let i = 0; i < 50 && events.filter((e) => e.subject.id === created.body.id).length < 3; i += 1) {
      await sleep(100); // the relay moves outbox events into the chain shortly after the write
      events = await actions();
    }
    const ofExport = events.filter((e) => e.subject.id === created.body.id).map((e) => e.action);
    expect(ofExport).to.have.members(['export.requested', 'export.completed', 'export.downloaded']);
    const requested = events.find((e) => e.action === 'export.requested' && e.subject.id === created.body.id);
    expect(requested?.data).to.deep.include({
      kind: 'register',
      format: 'csv',
      filter: { bureauId: 'RPTA', interval: 'month' },
    });
    const direct = events.find((e) => e.action === 'report.exported' && e.data.kind === 'register');
    expect(direct?.data).to.deep.include({
      kind: 'register',
      format: 'ndjson',
      filter: { severity: 'S1', interval: 'month' },
    });
  });

  it("when another auditor asks for someone else's export, then it is not found", async () => {
    const created = await call<ExportView>(runtime.url, 'POST', '/api/v1/exports', {
      key: auditor.key,
      body: { kind: 'register', format: 'csv' },
    });
    const other = await createActor(runtime, { role: 'auditor' });
    const answer = await call(runtime.url, 'GET', `/api/v1/exports/${created.body.id}`, { key: other.key });
    expect(answer.status).to.equal(404);
    await finished(created.body.id);
  });
});
