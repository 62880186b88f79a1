// Audit trail benchmark (not part of npm test): `npx tsx bench/audit/run.ts`.
// BENCH_APPEND_EVENTS (default 20000) per appender setting, BENCH_VERIFY_EVENTS (default 1000000).
import { generateKeyPairSync } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
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
import { systemActor, createLogger } from '../../src/platform/index.js';
import { loadConfig } from '../../src/config/index.js';
import { connectMongo } from '../../src/platform/db/index.js';
import { startFerretDb, startRedisServer } from '../../src/platform/embedded/index.js';
import { createRedis } from '../../src/platform/queue/index.js';

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
const [ferret, redisServer] = await Promise.all([
  startFerretDb(join(dir, 'ferretdb')),
  startRedisServer(join(dir, 'redis')),
]);
const open = async (database: string) => {
  const uri = `${ferret.uri}${database}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    MONGODB_URI: uri,
    REDIS_URL: 'redis://127.0.0.1:1',
    AUDIT_SIGNING_KEY: key,
  });
  const db = await connectMongo(uri, logger);
  // Its own Redis connection, as a separate process would have, for the cross-process append lease.
  const redis = createRedis(redisServer.url, 'producer', logger);
  const module = createAuditModule({ db, config, logger, redis });
  await module.init();
  return { db, module, redis };
};

// The machine is shared: the load average says how much of it this run had.
const load = (): string =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
console.log(`load average at start: ${load()}`);
try {
  console.log(`append: ${APPEND_EVENTS} events per run, each appender call = 100 drafts`);
  for (const mode of ['independent', 'shared'] as const) {
    for (const appenders of [1, 4, 16]) {
      // independent: each appender has its own connection and module, as separate processes would;
      // shared: concurrent callers of one process's module (its group commit batches them).
      const count = mode === 'independent' ? appenders : 1;
      const opened = await Promise.all(Array.from({ length: count }, () => open(`${mode}${appenders}`)));
      const share = Math.ceil(APPEND_EVENTS / appenders);
      const started = performance.now();
      await Promise.all(
        Array.from({ length: appenders }, async (_, a) => {
          const { module } = opened[a % count];
          for (let done = 0; done < share; done += 100) {
            await module.audit.recordMany(Array.from({ length: 100 }, (_, k) => draft(a * share + done + k)));
          }
        }),
      );
      const elapsed = performance.now() - started;
      const [first] = opened;
      const report = await first.module.audit.verify();
      const label = `${String(appenders).padStart(2)} ${mode} appender(s)`;
      console.log(
        `  ${label}: ${rate(report.head.seq, elapsed)} (chain ok=${String(report.ok)}, head ${report.head.seq})`,
      );
      for (const { db, redis } of opened) {
        await db.close();
        redis.disconnect();
      }
    }
  }
  if (VERIFY_EVENTS > 0) await verifyBench();
  console.log(`load average at end: ${load()}`);
} finally {
  await Promise.all([ferret.stop(), redisServer.stop()]);
  rmSync(dir, { recursive: true, force: true });
}

async function verifyBench(): Promise<void> {
  // Bulk generator: computes a valid chain in memory and inserts it 5,000 per round trip (the append
  // path would take as long again); then the file and database verifications.
  const signer = new CheckpointSigner(key);
  const file = join(dir, 'trail.ndjson');
  const out = createWriteStream(file);
  out.write(
    `${JSON.stringify({ kind: 'header', format: 'govcert-audit/1', exportedAt: new Date().toISOString(), publicKey: signer.publicKeyPem })}\n`,
  );
  const { db, module, redis } = await open('verify');
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
  redis.disconnect();
}
