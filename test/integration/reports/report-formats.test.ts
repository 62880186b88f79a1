import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

interface ExportView {
  id: string;
  status: string;
  request: { format: string };
  links: { download?: string };
}

describe('reports: formats and their media types', function () {
  this.timeout(60_000);
  let runtime: TestRuntime;
  let auditor: TestActor;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'report-formats-'));
    runtime = await startTestRuntime('repfmt', { DATA_DIR: dir });
    auditor = await createActor(runtime, { role: 'auditor' });
  });
  after(async () => {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function finished(id: string): Promise<ExportView> {
    for (let i = 0; i < 300; i += 1) {
      const polled = await call<ExportView>(runtime.url, 'GET', `/api/v1/exports/${id}`, {
        key: auditor.key,
      });
      if (polled.body.status === 'done' || polled.body.status === 'failed') return polled.body;
      await sleep(100);
    }
    throw new Error('export did not finish');
  }

  it('when a report is streamed as NDJSON, then it is served as application/x-ndjson', async () => {
    const answer = await call(runtime.url, 'GET', '/api/v1/reports/register?format=ndjson', {
      key: auditor.key,
    });
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('content-type')).to.match(/^application\/x-ndjson(;|$)/);
    expect(answer.headers.get('content-disposition')).to.match(/\.ndjson"?$/);
  });

  it('when an NDJSON export is downloaded, then it is served as application/x-ndjson', async () => {
    const created = await call<ExportView>(runtime.url, 'POST', '/api/v1/exports', {
      key: auditor.key,
      body: { kind: 'register', format: 'ndjson' },
    });
    expect(created.status).to.equal(202);
    const done = await finished(created.body.id);
    expect(done.status).to.equal('done');
    const download = await call(runtime.url, 'GET', done.links.download ?? '', { key: auditor.key });
    expect(download.status).to.equal(200);
    expect(download.headers.get('content-type')).to.match(/^application\/x-ndjson(;|$)/);
  });

  it('when a report is asked for without a format, then it is CSV', async () => {
    const answer = await call(runtime.url, 'GET', '/api/v1/reports/compliance?section=breaches', {
      key: auditor.key,
    });
    expect(answer.status, answer.text).to.equal(200);
    expect(answer.headers.get('content-type')).to.match(/^text\/csv(;|$)/);
    expect(answer.headers.get('content-disposition')).to.match(/\.csv"?$/);
  });

  it('when an export is asked for without a format, then it is queued as CSV', async () => {
    const created = await call<ExportView>(runtime.url, 'POST', '/api/v1/exports', {
      key: auditor.key,
      body: { kind: 'register' },
    });
    expect(created.status, created.text).to.equal(202);
    expect(created.body.request.format).to.equal('csv');
    const done = await finished(created.body.id);
    const download = await call(runtime.url, 'GET', done.links.download ?? '', { key: auditor.key });
    expect(download.headers.get('content-type')).to.match(/^text\/csv(;|$)/);
  });
});
