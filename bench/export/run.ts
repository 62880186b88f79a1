// Export benchmark (not part of npm test): `npx tsx bench/export/run.ts`.
// Two measurements of the trail export through the same ReportService the API and the worker use:
//  1. pipeline: BENCH_EXPORT_EVENTS (default 1,000,000; 0 skips) chained events generated on the fly
//     and streamed to CSV and NDJSON: the cost of our code (selection, rows, encoding, backpressure);
//  2. end to end: BENCH_DB_EVENTS (default 1,000,000; 0 skips) events bulk-inserted into an embedded
//     FerretDB (kept in BENCH_DB_DIR between runs when set) and read back as a deployment does:
//     `cold` (BENCH_COLD, default 1) first drops the export page cache, so the first CSV export reads
//     the chain itself and writes the pages; the next CSV and NDJSON exports read the pages (`warm`).
//     The cold and warm CSV files must be byte for byte the same (SHA-256 compared). Then BENCH_TAIL
//     (default 500) events are appended and CSV is exported again: a warm export of a live chain,
//     whose events after the last full page are read by `_id` lookups (the database keeps them).
//     BENCH_KEEPER=1 instead drops the cache, times the background page keeper paging the whole chain by
//     `_id` lookups (what a deployment does in the background), then exports warm.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import {
  auditDraft,
  createAuditModule,
  GENESIS_HASH,
  sealDrafts,
  type AuditEvent,
} from '../../src/audit/index.js';
import { CheckpointSigner } from '../../src/audit/checkpoint-signer.js';
import { systemActor } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/platform/index.js';
import { ReportService, type TrailSource } from '../../src/reports/index.js';
import { TrailPageRepository } from '../../src/reports/trail-pages.repository.js';
import { ReportHtmlRenderer } from '../../src/reports/html-report.renderer.js';
import { TrailPageKeeper } from '../../src/reports/trail-page-keeper.js';
import { ReportSourceRepository } from '../../src/reports/report-source.repository.js';
import { createExportSchema } from '../../src/reports/report.schemas.js';
import { bulkAuditEvents } from '../../test/factories/report-fixtures.js';
import { seededFerret } from './seeded-ferret.js';

const PIPELINE_EVENTS = Number(process.env.BENCH_EXPORT_EVENTS ?? 1_000_000);
const DB_EVENTS = Number(process.env.BENCH_DB_EVENTS ?? 1_000_000);
const COLD = process.env.BENCH_COLD !== '0';
const TAIL = Number(process.env.BENCH_TAIL ?? 500);
const KEEPER = process.env.BENCH_KEEPER === '1';
const MB = 1024 * 1024;
const key = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const logger = createLogger('silent');
const auditor = {
  userId: 'bench-auditor',
  keyId: null,
  role: 'auditor' as const,
  bureauId: null,
  name: 'Bench',
};
const renderer = new ReportHtmlRenderer('templates/reports');

/** A destination that keeps nothing but a digest, like a client reading as fast as it can. */
function sink(): Writable & { bytes: number; digest: () => string } {
  const hash = createHash('sha256');
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.bytes += chunk.length;
      hash.update(chunk);
      done();
    },
  }) as Writable & { bytes: number; digest: () => string };
  out.bytes = 0;
  out.digest = () => hash.digest('hex');
  return out;
}

/**
 * A trail of `count` events replayed from 5,000 sealed once (seq renumbered): the export does not
 * re-hash, so this measures our pipeline, not SHA-256 and canonical JSON.
 */
function generatedTrail(count: number): TrailSource {
  const signer = new CheckpointSigner(key);
  const actor = systemActor('bench');
  const template = sealDrafts(
    { seq: 0, hash: GENESIS_HASH },
    Array.from({ length: 5000 }, (_, k) =>
      auditDraft(
        actor,
        'incident.transitioned',
        { type: 'incident', id: `inc-${k % 500}` },
        {
          bureauId: 'B01',
          changes: [{ field: 'status', before: 'triaged', after: 'investigating' }],
          data: { n: k, note: '=cmd|calc' },
        },
      ),
    ),
  );
  const checkpoint = signer.sign(count, template.at(-1)!.hash);
  const at = (seq: number): AuditEvent => ({ ...template[(seq - 1) % template.length], seq });
  return {
    record: () => Promise.resolve(null),
    checkpointNow: () => Promise.resolve(),
    checkpointList: () => Promise.resolve([checkpoint]),
    head: () => Promise.resolve({ seq: count, hash: checkpoint.headHash }),
    publicKeyPem: () => signer.publicKeyPem,
    list: ({ after = 0, limit = 100 }) => {
      const seqs = Array.from(
        { length: Math.max(0, Math.min(limit, count - after)) },
        (_, k) => after + k + 1,
      );
      return Promise.resolve({ events: seqs.map(at) });
    },
    // eslint-disable-next-line @typescript-eslint/require-await -- replayed from memory: nothing to wait for
    async *streamEvents(): AsyncGenerator<AuditEvent> {
      for (let seq = 1; seq <= count; seq += 1) yield at(seq);
    },
  };
}

async function measure(label: string, reports: ReportService, format: 'csv' | 'ndjson'): Promise<string> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const opening = performance.now();
  // Opening signs the head (cutTrail): the audit module finds it by `_id` lookups, not our reading.
  const report = await reports.open(auditor, createExportSchema.parse({ kind: 'trail', format }));
  const out = sink();
  const started = performance.now();
  const opened = (started - opening) / 1000;
  await report.writeTo(out);
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const events = report.progress.scanned;
  console.log(
    `${label} ${format.padEnd(6)}: ${events.toLocaleString('en')} events, ${(out.bytes / MB).toFixed(0)} MB in ${elapsed.toFixed(1)} s = ` +
      `${Math.round(events / elapsed).toLocaleString('en')} events/s; peak RSS growth ${((peak - before) / MB).toFixed(1)} MB; ` +
      `opened in ${opened.toFixed(1)} s`,
  );
  const digest = out.digest();
  console.log(`    sha256 ${digest}`);
  return digest;
}

/** The background keeper paging the chain from scratch, as after an upgrade of a deployment. */
async function timeKeeper(audit: TrailSource, pages: TrailPageRepository): Promise<void> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  const written = await new TrailPageKeeper(audit, pages, logger).pass();
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const events = written * pages.size;
  console.log(
    `  page keeper (background, _id lookups): ${events.toLocaleString('en')} events paged in ${elapsed.toFixed(1)} s = ` +
      `${Math.round(events / elapsed).toLocaleString('en')} events/s; peak RSS growth ${((peak - before) / MB).toFixed(1)} MB`,
  );
}

if (PIPELINE_EVENTS > 0) {
  console.log(
    `pipeline (events replayed from memory, no database): ${PIPELINE_EVENTS.toLocaleString('en')} events`,
  );
  const generated = new ReportService(
    new ReportSourceRepository(null as never),
    generatedTrail(PIPELINE_EVENTS),
    renderer,
  );
  for (const format of ['csv', 'ndjson'] as const) await measure('  pipeline', generated, format);
}

if (DB_EVENTS > 0) {
  const seeded = await seededFerret(DB_EVENTS);
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      MONGODB_URI: seeded.uri,
      REDIS_URL: 'redis://127.0.0.1:1',
      AUDIT_SIGNING_KEY: key,
    });
    const audit = createAuditModule({ db: seeded.db, config, logger });
    await audit.init();
    const pages = new TrailPageRepository(seeded.db);
    if (COLD || KEEPER) await pages.clear();
    if (KEEPER) await timeKeeper(audit.audit, pages);
    const reports = new ReportService(new ReportSourceRepository(seeded.db), audit.audit, renderer, pages);
    const first = await measure(COLD && !KEEPER ? '  ferretdb cold' : '  ferretdb warm', reports, 'csv');
    const again = await measure('  ferretdb warm', reports, 'csv');
    await measure('  ferretdb warm', reports, 'ndjson');
    console.log(`  CSV identical on both runs: ${first === again ? 'yes' : 'NO'}`);
    if (TAIL > 0) {
      await bulkAuditEvents(seeded.db, TAIL, await audit.audit.head());
      await measure(`  ferretdb warm + ${TAIL} new events`, reports, 'csv');
    }
  } finally {
    await seeded.stop();
  }
}
