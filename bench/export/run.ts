// Export benchmark (not part of npm test): `npx tsx bench/export/run.ts`.
// Two measurements of the trail export through the same ReportService the API and the worker use:
//  1. pipeline: BENCH_EXPORT_EVENTS (default 1,000,000) chained events generated on the fly and
//     streamed to CSV and NDJSON: the cost of our code (selection, rows, encoding, backpressure);
//  2. end to end: BENCH_DB_EVENTS (default 100,000) events bulk-inserted into an embedded FerretDB
//     and read back through the audit module's cursor: what a deployment on FerretDB/SQLite sees.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { connectMongo } from '../../src/platform/db/index.js';
import { startFerretDb } from '../../src/platform/embedded/index.js';
import { createLogger } from '../../src/platform/index.js';
import { ReportService, type TrailSource } from '../../src/reports/index.js';
import { ReportHtmlRenderer } from '../../src/reports/html-report.renderer.js';
import { ReportSourceRepository } from '../../src/reports/report-source.repository.js';
import { createExportSchema } from '../../src/reports/report.schemas.js';
import { bulkAuditEvents } from '../../test/factories/report-fixtures.js';

const PIPELINE_EVENTS = Number(process.env.BENCH_EXPORT_EVENTS ?? 1_000_000);
const DB_EVENTS = Number(process.env.BENCH_DB_EVENTS ?? 100_000);
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

/** A destination that keeps nothing, like a client reading as fast as it can. */
function sink(): Writable & { bytes: number } {
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.bytes += chunk.length;
      done();
    },
  }) as Writable & { bytes: number };
  out.bytes = 0;
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
  return {
    record: () => Promise.resolve(null),
    checkpointNow: () => Promise.resolve(),
    checkpointList: () => Promise.resolve([checkpoint]),
    head: () => Promise.resolve({ seq: count, hash: checkpoint.headHash }),
    publicKeyPem: () => signer.publicKeyPem,
    // eslint-disable-next-line @typescript-eslint/require-await -- replayed from memory: nothing to wait for
    async *streamEvents(): AsyncGenerator<AuditEvent> {
      for (let seq = 1; seq <= count; seq += 1) yield { ...template[(seq - 1) % template.length], seq };
    },
  };
}

async function measure(label: string, reports: ReportService, format: 'csv' | 'ndjson'): Promise<void> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const report = await reports.open(auditor, createExportSchema.parse({ kind: 'trail', format }));
  const out = sink();
  const started = performance.now();
  await report.writeTo(out);
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const events = report.progress.scanned;
  console.log(
    `${label} ${format.padEnd(6)}: ${events.toLocaleString('en')} events, ${(out.bytes / MB).toFixed(0)} MB in ${elapsed.toFixed(1)} s = ` +
      `${Math.round(events / elapsed).toLocaleString('en')} events/s; peak RSS growth ${((peak - before) / MB).toFixed(1)} MB`,
  );
}

console.log(
  `pipeline (events replayed from memory, no database): ${PIPELINE_EVENTS.toLocaleString('en')} events`,
);
const generated = new ReportService(
  new ReportSourceRepository(null as never),
  generatedTrail(PIPELINE_EVENTS),
  renderer,
);
for (const format of ['csv', 'ndjson'] as const) await measure('  pipeline', generated, format);

if (DB_EVENTS > 0) {
  const dir = mkdtempSync(join(tmpdir(), 'export-bench-'));
  const ferret = await startFerretDb(join(dir, 'ferretdb'));
  try {
    const uri = `${ferret.uri}exportbench`;
    const config = loadConfig({
      NODE_ENV: 'test',
      MONGODB_URI: uri,
      REDIS_URL: 'redis://127.0.0.1:1',
      AUDIT_SIGNING_KEY: key,
    });
    const db = await connectMongo(uri, logger);
    const audit = createAuditModule({ db, config, logger });
    await audit.init();
    const started = performance.now();
    await bulkAuditEvents(db, DB_EVENTS);
    console.log(
      `end to end: ${DB_EVENTS.toLocaleString('en')} events bulk-inserted into FerretDB in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const reports = new ReportService(new ReportSourceRepository(db), audit.audit, renderer);
    for (const format of ['csv', 'ndjson'] as const) await measure('  ferretdb', reports, format);
    await db.close();
  } finally {
    await ferret.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
