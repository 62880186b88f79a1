// Offline verification speed, no database: `npx tsx bench/audit/offline.ts` (BENCH_VERIFY_EVENTS, default 1e6).
// Writes a valid chain (with one signed checkpoint at its head) to an NDJSON export file, then verifies it.
import { generateKeyPairSync } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditDraft, sealDrafts, verifyExportFile, type ChainHead } from '../../src/audit/index.js';
import { CheckpointSigner } from '../../src/audit/checkpoint-signer.js';
import { systemActor } from '../../src/platform/index.js';

const COUNT = Number(process.env.BENCH_VERIFY_EVENTS ?? 1_000_000);
const signer = new CheckpointSigner(
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
);
const dir = mkdtempSync(join(tmpdir(), 'audit-offline-'));
const file = join(dir, 'trail.ndjson');
try {
  const out = createWriteStream(file);
  out.write(
    `${JSON.stringify({ kind: 'header', format: 'govcert-audit/1', exportedAt: new Date().toISOString(), publicKey: signer.publicKeyPem })}\n`,
  );
  let head: ChainHead = { seq: 0, hash: '0'.repeat(64) };
  for (let n = 0; n < COUNT; n += 10_000) {
    const drafts = Array.from({ length: Math.min(10_000, COUNT - n) }, (_, k) =>
      auditDraft(
        systemActor('bench'),
        'incident.transitioned',
        { type: 'incident', id: `inc-${(n + k) % 500}` },
        {
          bureauId: 'B01',
          changes: [{ field: 'status', before: 'new', after: 'triaged' }],
          data: { n: n + k },
        },
      ),
    );
    const events = sealDrafts(head, drafts);
    head = { seq: events.at(-1)!.seq, hash: events.at(-1)!.hash };
    if (!out.write(events.map((event) => JSON.stringify({ kind: 'event', ...event })).join('\n') + '\n'))
      await once(out, 'drain');
  }
  out.end(`${JSON.stringify({ kind: 'checkpoint', ...signer.sign(head.seq, head.hash) })}\n`);
  await once(out, 'close');
  const load = (): string =>
    loadavg()
      .map((value) => value.toFixed(1))
      .join(' ');
  const before = load();
  const started = performance.now();
  const report = await verifyExportFile(file, { publicKeyPem: signer.publicKeyPem });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `verify offline: ok=${String(report.ok)} ${report.eventsChecked} events in ${seconds.toFixed(1)} s = ${Math.round(report.eventsChecked / seconds).toLocaleString('en')} events/s (load average ${before} -> ${load()})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
