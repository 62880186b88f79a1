import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { AuditCheckpoint, AuditEvent, VerifyReport } from './audit-event.types.js';
import type { AuditService } from './audit.service.js';
import { ChainVerifier } from './chain-verifier.js';
import { parsePublicKey } from './checkpoint-signer.js';

/** The first line of an export file. */
export interface ExportHeader {
  kind: 'header';
  format: 'govcert-audit/1';
  exportedAt: string;
  publicKey: string;
}

type ExportLine =
  ExportHeader | ({ kind: 'checkpoint' } & AuditCheckpoint) | ({ kind: 'event' } & AuditEvent);

/**
 * Writes the trail as NDJSON: a header with the public key, the signed checkpoints, then every event.
 * The head is checkpointed first, so the file ends on a signed position. Returns the events written.
 */
export async function writeExport(audit: AuditService, path: string): Promise<number> {
  await audit.checkpointNow();
  const out = createWriteStream(path, { encoding: 'utf8' });
  const write = async (line: ExportLine): Promise<void> => {
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
  };
  let count = 0;
  try {
    await write({
      kind: 'header',
      format: 'govcert-audit/1',
      exportedAt: new Date().toISOString(),
      publicKey: audit.publicKeyPem(),
    });
    for (const checkpoint of await audit.checkpointList()) await write({ kind: 'checkpoint', ...checkpoint });
    for await (const event of audit.streamEvents()) {
      await write({ kind: 'event', ...event });
      count += 1;
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return count;
}

/** An offline verification's report, plus where the trusted key came from. */
export interface OfflineReport extends VerifyReport {
  /** 'supplied' when the auditor gave the key; 'embedded' when the file's own key was used. */
  publicKeySource: 'supplied' | 'embedded';
}

/**
 * Verifies an export file with no database. Pass the public key obtained independently: the key in
 * the file proves only that the file is self-consistent, not who signed it.
 */
export async function verifyExportFile(
  path: string,
  options: { publicKeyPem?: string; subjectId?: string } = {},
): Promise<OfflineReport> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let verifier: ChainVerifier | null = null;
  let source: OfflineReport['publicKeySource'] = 'supplied';
  const checkpoints: AuditCheckpoint[] = [];
  for await (const text of lines) {
    if (!text.trim()) continue;
    const line = JSON.parse(text) as ExportLine;
    if (line.kind === 'header') {
      if ((line.format as string) !== 'govcert-audit/1')
        throw new Error(`unknown export format ${(line as { format: string }).format}`);
      source = options.publicKeyPem ? 'supplied' : 'embedded';
      const publicKey = parsePublicKey(options.publicKeyPem ?? line.publicKey);
      verifier = new ChainVerifier(
        options.subjectId ? { publicKey, subjectId: options.subjectId } : { publicKey },
      );
    } else if (!verifier) {
      throw new Error('export file does not start with a header line');
    } else if (line.kind === 'checkpoint') {
      const { kind: _kind, ...checkpoint } = line;
      checkpoints.push(checkpoint);
    } else {
      if (checkpoints.length > 0) verifier.addCheckpoints(checkpoints.splice(0));
      const { kind: _kind, ...event } = line;
      verifier.push(event);
    }
  }
  if (!verifier) throw new Error('export file is empty');
  if (checkpoints.length > 0) verifier.addCheckpoints(checkpoints);
  return { ...verifier.finish(), publicKeySource: source };
}
