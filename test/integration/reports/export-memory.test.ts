import { expect } from 'chai';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

import { setTimeout as sleep } from 'node:timers/promises';
import { createAuditModule } from '../../../src/audit/index.js';
import { bulkAuditEvents } from '../../factories/report-fixtures.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

// 40,000 events: an export that holds its rows until the end grows live memory by about 40 MB
// (measured by making this one buffer them), a streamed one by the 15-20 MB it has in flight whatever
// the trail's length (a cursor batch of decoded events, a cache page, the socket's buffers).
// A million events are timed by bench/export.
const EVENTS = 40_000;
const MB = 1024 * 1024;
/** Live memory (heap and buffers) an export may hold in flight. */
const LIVE_BUDGET_MB = 30;

/** Memory in use by live objects: the JS heap and the buffers outside it (a socket's queue). */
const live = (usage: NodeJS.MemoryUsage) => usage.heapUsed + usage.external;

// A full collection before each sample, so the figure is memory the export holds, not garbage V8 has
// not got round to collecting (its old generation grows by a fraction of the whole heap between
// collections). A buffering export keeps every row alive, and no collection can hide that.
v8.setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Reads a streamed answer chunk by chunk, keeping only counts: the test must not buffer either. */
async function drain(response: Response): Promise<{ bytes: number; lines: number }> {
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    for (const byte of chunk) if (byte === 10) lines += 1;
  }
  return { bytes, lines };
}

describe('reports: exporting 40,000 audit events streams in bounded memory', function () {
  // FerretDB/SQLite decodes about a thousand documents a second, far fewer on a loaded machine.
  this.timeout(900_000);
  let runtime: TestRuntime;
  let auditor: TestActor;

  before(async () => {
    runtime = await startTestRuntime('exportmem');
    auditor = await createActor(runtime, { role: 'auditor' });
    // The bulk generator writes a valid chain 5,000 events per round trip (appending 40,000 one
    // request at a time would take minutes). It continues the chain once the auditor's own events
    // are in, and the runtime's appender finds the new head on its next append.
    const { audit } = createAuditModule(runtime.platform);
    while ((await audit.list({ action: 'apikey.created' })).events.length === 0) await sleep(100);
    await bulkAuditEvents(runtime.platform.db, EVENTS, await audit.head());
  });
  after(async () => {
    await runtime.stop();
  });

  // CSV only: it is the heavier pipeline (a row object and 15 cast cells per event), and each pass over
  // the trail costs a minute on FerretDB. NDJSON is measured by bench/export at 1,000,000.
  for (const format of ['csv'] as const) {
    it(`when the trail is streamed as ${format}, then live memory grows by less than ${LIVE_BUDGET_MB} MB and RSS by less than 150 MB`, async () => {
      collect();
      const before = process.memoryUsage();
      let peak = before.rss;
      let peakLive = live(before);
      const sampler = setInterval(() => {
        collect();
        const now = process.memoryUsage();
        peak = Math.max(peak, now.rss);
        peakLive = Math.max(peakLive, live(now));
      }, 1000); // a full collection each time is costly on a large heap: once a second is enough to see rows pile up
      try {
        const response = await fetch(`${runtime.url}/api/v1/reports/trail?format=${format}`, {
          headers: { authorization: `Bearer ${auditor.key}` },
        });
        expect(response.status).to.equal(200);
        const { lines } = await drain(response);
        expect(lines).to.be.greaterThanOrEqual(EVENTS);
      } finally {
        clearInterval(sampler);
      }
      collect();
      const growth = (Math.max(peak, process.memoryUsage().rss) - before.rss) / MB;
      const liveGrowth = (peakLive - live(before)) / MB;
      console.log(
        `      ${format}: peak RSS growth ${growth.toFixed(1)} MB, peak live memory growth ${liveGrowth.toFixed(1)} MB`,
      );
      expect(liveGrowth).to.be.lessThan(LIVE_BUDGET_MB);
      expect(growth).to.be.lessThan(150);
    });
  }
});
