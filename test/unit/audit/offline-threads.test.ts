import { expect } from 'chai';
import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import {
  auditDraft,
  ChainVerifier,
  GENESIS_HASH,
  hashEvent,
  sealDrafts,
  type AuditCheckpoint,
  type AuditEvent,
  type VerifyReport,
} from '../../../src/audit/index.js';
import { CheckpointSigner, parsePublicKey } from '../../../src/audit/checkpoint-signer.js';
import { verifyExportFileWith } from '../../../src/audit/offline-verify.js';
import { systemActor } from '../../../src/platform/index.js';

const signer = new CheckpointSigner(
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
);
const chain = sealDrafts(
  { seq: 0, hash: GENESIS_HASH },
  Array.from({ length: 40 }, (_, n) =>
    auditDraft(systemActor('unit'), 'unit.step', { type: 'incident', id: `inc-${n % 3}` }, { data: { n } }),
  ),
);
const checkpoints = [signer.sign(10, chain[9].hash), signer.sign(40, chain[39].hash)];
const rehash = ({ hash: _hash, ...rest }: AuditEvent): AuditEvent => ({ ...rest, hash: hashEvent(rest) });

/** One way of spoiling the trail, at a position given by the property. */
type Tamper = (events: AuditEvent[], at: number) => AuditEvent[];
const tampers: Record<string, Tamper> = {
  edit: (events, at) => events.map((e, i) => (i === at ? { ...e, action: 'x' } : e)),
  editRehashed: (events, at) => events.map((e, i) => (i === at ? rehash({ ...e, action: 'x' }) : e)),
  delete: (events, at) => events.filter((_, i) => i !== at),
  swap: (events, at) =>
    events.map((e, i) => (i === at ? (events[at + 1] ?? e) : i === at + 1 ? events[at] : e)),
  repeat: (events, at) => [...events.slice(0, at + 1), ...events.slice(at)],
  duplicateId: (events, at) =>
    events.map((e, i) => (i === at && at > 0 ? rehash({ ...e, eventId: events[0].eventId }) : e)),
  badSeq: (events, at) => events.map((e, i) => (i === at ? { ...e, seq: 'x' as unknown as number } : e)),
  truncate: (events, at) => events.slice(0, at),
};

/** The export as a file; CRLF line ends when asked, since files travel through other systems. */
function write(dir: string, events: AuditEvent[], crlf = false): string {
  const path = join(dir, `trail-${Math.random().toString(36).slice(2)}.ndjson`);
  const lines = [
    {
      kind: 'header',
      format: 'govcert-audit/1',
      exportedAt: '2026-01-01T00:00:00.000Z',
      publicKey: signer.publicKeyPem,
    },
    ...checkpoints.map((checkpoint: AuditCheckpoint) => ({ kind: 'checkpoint', ...checkpoint })),
    ...events.map((event) => ({ kind: 'event', ...event })),
  ];
  writeFileSync(path, lines.map((line) => JSON.stringify(line)).join(crlf ? '\r\n' : '\n') + '\n');
  return path;
}

/** The line-by-line reading that verification always did: every event through `ChainVerifier.push`. */
function lineByLine(path: string, subjectId?: string): VerifyReport {
  const publicKey = parsePublicKey(signer.publicKeyPem);
  const verifier = new ChainVerifier(subjectId ? { publicKey, subjectId } : { publicKey });
  const pending: AuditCheckpoint[] = [];
  for (const text of readFileSync(path, 'utf8').split(/\r?\n/)) {
    if (!text.trim()) continue;
    const { kind, ...rest } = JSON.parse(text) as { kind: string };
    if (kind === 'checkpoint') pending.push(rest as AuditCheckpoint);
    else if (kind === 'event') {
      if (pending.length > 0) verifier.addCheckpoints(pending.splice(0));
      verifier.push(rest as AuditEvent);
    }
  }
  if (pending.length > 0) verifier.addCheckpoints(pending);
  return verifier.finish();
}

describe('offline verification in chunks and threads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-threads-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the trail is tampered with in any one way, then chunked checking reports exactly as line by line (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(tampers)),
        fc.integer({ min: 0, max: chain.length - 1 }),
        fc.integer({ min: 1, max: 4000 }),
        fc.boolean(),
        async (name, at, chunkBytes, crlf) => {
          const path = write(dir, tampers[name](chain, at), crlf);
          const { publicKeySource: _source, ...report } = await verifyExportFileWith(
            path,
            { publicKeyPem: signer.publicKeyPem, subjectId: 'inc-1' },
            { threads: 0, chunkBytes },
          );
          expect(report).to.deep.equal(lineByLine(path, 'inc-1'));
        },
      ),
      { numRuns: 150 },
    );
    // 150 verifications of a whole trail, CPU-bound: 29 s on a slow 2-core machine, past mocha's 30 s.
  }).timeout(120_000);

  for (const [name, at] of [
    ['intact', 0],
    ['editRehashed', 17],
    ['duplicateId', 25],
    ['swap', 3],
  ] as const) {
    it(`when the trail is ${name === 'intact' ? 'intact' : `tampered (${name})`}, then worker threads report exactly as line by line`, async () => {
      const path = write(dir, name === 'intact' ? chain : tampers[name](chain, at));
      const { publicKeySource: _source, ...report } = await verifyExportFileWith(
        path,
        { publicKeyPem: signer.publicKeyPem, subjectId: 'inc-2' },
        { threads: 2, chunkBytes: 3000 },
      );
      expect(report).to.deep.equal(lineByLine(path, 'inc-2'));
      expect(report.ok).to.equal(name === 'intact' || name === 'swap');
    });
  }

  it('when loaded as the govcert CLI loads it in a checkout (tsx tsImport), then worker threads start and verify', async () => {
    // bin/govcert.js imports the sources with tsImport, whose module URLs carry a `?tsx-namespace=`
    // query: a thread entry chosen from the URL's ending looked for a built .js that a checkout lacks.
    const loaded = (await tsImport(
      pathToFileURL(join(process.cwd(), 'src/audit/offline-verify.ts')).href,
      import.meta.url,
    )) as { verifyExportFileWith: typeof verifyExportFileWith };
    const path = write(dir, chain);
    const report = await loaded.verifyExportFileWith(
      path,
      { publicKeyPem: signer.publicKeyPem },
      { threads: 2, chunkBytes: 3000 },
    );
    expect(report.ok).to.equal(true);
    expect(report.eventsChecked).to.equal(chain.length);
  });
});
