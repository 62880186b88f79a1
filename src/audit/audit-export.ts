import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { AuditCheckpoint, AuditEvent } from './audit-event.types.js';
import type { AuditService } from './audit.service.js';

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

// Offline verification lives in offline-verify.ts (chunked, on worker threads); re-exported for callers of this file.
export { verifyExportFile, type OfflineReport } from './offline-verify.js';
