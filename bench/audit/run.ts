// Audit trail benchmark (not part of npm test): `npx tsx bench/audit/run.ts`.
// BENCH_APPEND_EVENTS (default 20000) per appender setting, BENCH_VERIFY_EVENTS (default 1000000).
import { generateKeyPairSync } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  auditDraft,
  createAuditModule,
  sealDrafts,
  verifyExportFile,
  type AuditEvent,
  type ChainHead,
} from '../../src/audit/index.js';
import { CheckpointSigner } from '../../src/audit/checkpoint-signer.js';
import { systemActor } from '../../src/auth/actor.js';
import { loadConfig } from '../../src/config/index.js';
import { connectMongo } from '../../src/platform/db/index.js';
import { startFerretDb } from '../../src/platform/embedded/index.js';
import { createLogger } from '../../src/platform/index.js';

const APPEND_EVENTS = Number(process.env.BENCH_APPEND_EVENTS ?? 20_000);
const VERIFY_EVENTS = Number(process.env.BENCH_VERIFY_EVENTS ?? 1_000_000);
const key = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const logger = createLogger('silent');
const actor = systemActor('bench');
const draft = (n: number) =>
  auditDraft(
    actor,
    'incident.transitioned',
    { type: 'incident', id: `inc-${n % 500}` },
    {
      bureauId: 'B01',
      changes: [{ field: 'status', before: 'new', after: 'triaged' }],
      data: { n },
    },
  );
const rate = (count: number, ms: number): string =>
  `${Math.round(count / (ms / 1000)).toLocaleString('en')} events/s`;

const dir = mkdtempSync(join(tmpdir(), 'audit-bench-'));
const ferret = await startFerretDb(join(dir, 'ferretdb'));
const open = async (database: string) => {
  const uri = `${ferret.uri}${database}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    MONGODB_URI: uri,
    REDIS_URL: 'redis://127.0.0.1:1',
    AUDIT_SIGNING_KEY: key,
  });
  const db = await connectMongo(uri, logger);
  const module = createAuditModule({ db, config, logger });
  await module.init();
  return { db, module };
};

try {
  console.log(`append: ${APPEND_EVENTS} events per run, batches of 100 drafts per appender call`);
  for (const appenders of [1, 4, 16]) {
    // Each appender has its own connection and module, as separate processes would.
    const opened = await Promise.all(Array.from({ length: appenders }, () => open(`append${appenders}`)));
    const share = Math.ceil(APPEND_EVENTS / appenders);
    const started = performance.now();
    await Promise.all(
      opened.map(async ({ module }, a) => {
        for (let done = 0; done < share; done += 100) {
          await module.audit.recordMany(Array.from({ length: 100 }, (_, k) => draft(a * share + done + k)));
        }
      }),
    );
    const elapsed = performance.now() - started;
    const [first] = opened;
    const report = await first.module.audit.verify();
    console.log(
      `  ${String(appenders).padStart(2)} appender(s): ${rate(share * appenders, elapsed)} (chain ok=${String(report.ok)}, head ${report.head.seq})`,
    );
    for (const { db } of opened) await db.close();
  }

  // Bulk generator: computes a valid chain in memory and inserts it 5,000 per round trip (the append
  // path would take as long again); then the file and database verifications.
  const signer = new CheckpointSigner(key);
  const file = join(dir, 'trail.ndjson');
  const out = createWriteStream(file);
  out.write(
    `${JSON.stringify({ kind: 'header', format: 'govcert-audit/1', exportedAt: new Date().toISOString(), publicKey: signer.publicKeyPem })}\n`,
  );
  const { db, module } = await open('verify');
  const events = db.db!.collection('audit_events');
  let head: ChainHead = { seq: 0, hash: '0'.repeat(64) };
  let started = performance.now();
  for (let n = 0; n < VERIFY_EVENTS; n += 5000) {
    const chunk: AuditEvent[] = sealDrafts(
      head,
      Array.from({ length: Math.min(5000, VERIFY_EVENTS - n) }, (_, k) => draft(n + k)),
    );
    head = { seq: chunk.at(-1)!.seq, hash: chunk.at(-1)!.hash };
    await events.insertMany(
      chunk.map((event) => ({ _id: String(event.seq).padStart(12, '0') as never, ...event })),
    );
    if (!out.write(chunk.map((event) => JSON.stringify({ kind: 'event', ...event })).join('\n') + '\n'))
      await once(out, 'drain');
  }
  const checkpoint = signer.sign(head.seq, head.hash);
  await db
    .db!.collection('audit_checkpoints')
    .insertOne({ _id: String(head.seq).padStart(12, '0') as never, ...checkpoint });
  out.end(`${JSON.stringify({ kind: 'checkpoint', ...checkpoint })}\n`);
  await once(out, 'close');
  console.log(
    `generate: ${VERIFY_EVENTS} chained events bulk-inserted at ${rate(VERIFY_EVENTS, performance.now() - started)}`,
  );

  started = performance.now();
  const offline = await verifyExportFile(file, { publicKeyPem: signer.publicKeyPem });
  console.log(
    `verify offline (NDJSON file): ok=${offline.ok} ${offline.eventsChecked} events, ${rate(offline.eventsChecked, performance.now() - started)}`,
  );

  started = performance.now();
  const online = await module.audit.verify();
  console.log(
    `verify online (FerretDB stream, batch 10000): ok=${online.ok} ${online.eventsChecked} events, ${rate(online.eventsChecked, performance.now() - started)}`,
  );
  await db.close();
} finally {
  await ferret.stop();
  rmSync(dir, { recursive: true, force: true });
}
