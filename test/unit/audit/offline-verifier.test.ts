import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  auditDraft,
  GENESIS_HASH,
  hashEvent,
  sealDrafts,
  verifyExportFile,
  type AuditEvent,
} from '../../../src/audit/index.js';
import { CheckpointSigner } from '../../../src/audit/checkpoint-signer.js';
import { systemActor } from '../../../src/platform/index.js';

const pem = (): string =>
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const signer = new CheckpointSigner(pem());
const events = sealDrafts(
  { seq: 0, hash: GENESIS_HASH },
  Array.from({ length: 12 }, (_, n) =>
    auditDraft(systemActor('unit'), 'unit.step', { type: 'incident', id: `inc-${n % 3}` }, { data: { n } }),
  ),
);
const checkpoints = [signer.sign(5, events[4].hash), signer.sign(12, events[11].hash)];

describe('offline verification of an export file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-offline-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function file(name: string, chain: AuditEvent[], publicKey = signer.publicKeyPem): string {
    const path = join(dir, name);
    const lines = [
      { kind: 'header', format: 'govcert-audit/1', exportedAt: new Date().toISOString(), publicKey },
      ...checkpoints.map((checkpoint) => ({ kind: 'checkpoint', ...checkpoint })),
      ...chain.map((event) => ({ kind: 'event', ...event })),
    ];
    writeFileSync(path, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
    return path;
  }

  it('when the file is intact, then it verifies with the supplied key and reports a subject', async () => {
    const report = await verifyExportFile(file('ok.ndjson', events), {
      publicKeyPem: signer.publicKeyPem,
      subjectId: 'inc-1',
    });
    expect(report).to.deep.include({
      ok: true,
      eventsChecked: 12,
      checkpointsChecked: 2,
      publicKeySource: 'supplied',
    });
    expect(report.subject).to.deep.include({ id: 'inc-1', events: 4 });
  });

  const tampered: Array<[string, () => AuditEvent[], number, string]> = [
    [
      'an edited event',
      () => events.map((e) => (e.seq === 3 ? { ...e, action: 'x' } : e)),
      3,
      'hash_mismatch',
    ],
    ['a deleted event', () => events.filter((e) => e.seq !== 4), 4, 'gap'],
    ['a cut tail', () => events.slice(0, 10), 11, 'truncated'],
    [
      'two events out of order',
      () => [...events.slice(0, 6), events[7], events[6], ...events.slice(8)],
      0,
      '',
    ],
    [
      'a re-hashed edit',
      () =>
        events.map((e) =>
          e.seq === 8
            ? (({ hash: _h, ...rest }) => ({
                ...rest,
                action: 'x',
                hash: hashEvent({ ...rest, action: 'x' }),
              }))(e)
            : e,
        ),
      9,
      'prev_hash_mismatch',
    ],
  ];
  for (const [name, chain, seq, reason] of tampered) {
    it(`when the file has ${name}, then ${seq ? `seq ${seq} fails with ${reason}` : 'storage order alone does not matter'}`, async () => {
      const report = await verifyExportFile(file(`${name}.ndjson`, chain()), {
        publicKeyPem: signer.publicKeyPem,
      });
      if (seq === 0) expect(report.ok).to.equal(true);
      else expect(report.firstBad).to.deep.include({ seq, reason });
    });
  }

  it('when the checkpoints were signed by another key, then verification names the unknown key', async () => {
    const report = await verifyExportFile(file('otherkey.ndjson', events), {
      publicKeyPem: new CheckpointSigner(pem()).publicKeyPem,
    });
    expect(report.firstBad).to.deep.include({ seq: 5, reason: 'checkpoint_unknown_key' });
  });

  it('when no key is supplied, then the embedded key is used and said so', async () => {
    const report = await verifyExportFile(file('embedded.ndjson', events));
    expect(report).to.deep.include({ ok: true, publicKeySource: 'embedded' });
  });
});
