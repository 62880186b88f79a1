// Verifies the audit trail the two ways an auditor would: online through the API, and offline with the
// CLI (`govcert audit export`, then `govcert audit verify --file --public-key`) against the public key
// derived here from the signing key, independently of what the system says its key is.
import { createPublicKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runNode } from './processes.js';

export interface ChainReport {
  ok: boolean;
  eventsChecked: number | null;
  firstBad: { seq: number; reason: string } | null;
  /** What went wrong running the verification itself (HTTP error, CLI exit without a report). */
  error: string | null;
}

const VERIFY_TIMEOUT_MS = 300_000;

function fromJson(text: string): Omit<ChainReport, 'error'> | null {
  try {
    const start = text.indexOf('{');
    const report = JSON.parse(text.slice(start)) as {
      ok?: unknown;
      eventsChecked?: unknown;
      firstBad?: { seq?: unknown; reason?: unknown };
    };
    if (typeof report.ok !== 'boolean') return null;
    return {
      ok: report.ok,
      eventsChecked: typeof report.eventsChecked === 'number' ? report.eventsChecked : null,
      firstBad: report.firstBad
        ? { seq: Number(report.firstBad.seq), reason: String(report.firstBad.reason) }
        : null,
    };
  } catch {
    return null;
  }
}

/**
 * `GET /api/v1/audit/verify` with an auditor key, on each API process in turn until one answers with a
 * report (an API process that lost its database is reported by other checks, not here).
 */
export async function verifyThroughApi(bases: readonly string[], auditorKey: string): Promise<ChainReport> {
  const failures: string[] = [];
  for (const base of bases) {
    const report = await verifyAt(base, auditorKey);
    if (report.error === null) return report;
    failures.push(`${base}: ${report.error}`);
  }
  return { ok: false, eventsChecked: null, firstBad: null, error: failures.join('; ') };
}

async function verifyAt(base: string, auditorKey: string): Promise<ChainReport> {
  try {
    const res = await fetch(`${base}/api/v1/audit/verify`, {
      headers: { authorization: `Bearer ${auditorKey}` },
      signal: AbortSignal.timeout(VERIFY_TIMEOUT_MS),
    });
    const text = await res.text();
    const report = res.ok ? fromJson(text) : null;
    return report
      ? { ...report, error: null }
      : {
          ok: false,
          eventsChecked: null,
          firstBad: null,
          error: `HTTP ${res.status}: ${text.slice(0, 200)}`,
        };
  } catch (err) {
    return { ok: false, eventsChecked: null, firstBad: null, error: (err as Error).message };
  }
}

/** PEM of the public half of the signing key (PKCS#8 PEM, or base64 of it). */
export function publicKeyOf(signingKey: string): string {
  const pem = signingKey.includes('BEGIN') ? signingKey : Buffer.from(signingKey, 'base64').toString('utf8');
  return createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
}

/** Exports the trail with the CLI into `dir`, then verifies the file offline with the CLI. */
export async function verifyOffline(
  dir: string,
  env: Record<string, string>,
  signingKey: string,
): Promise<ChainReport & { exported: number | null }> {
  const file = join(dir, 'trail.ndjson');
  const keyFile = join(dir, 'audit.pub.pem');
  writeFileSync(keyFile, publicKeyOf(signingKey));
  const exported = await runNode(
    ['bin/govcert.js', 'audit', 'export', '--out', file],
    env,
    VERIFY_TIMEOUT_MS,
  );
  const count = /exported (\d+) events/.exec(exported.stderr);
  if (exported.code !== 0) {
    return {
      ok: false,
      eventsChecked: null,
      firstBad: null,
      exported: null,
      error: `export exited ${String(exported.code)}: ${exported.stderr.trim().slice(-300)}`,
    };
  }
  const verified = await runNode(
    ['bin/govcert.js', 'audit', 'verify', '--file', file, '--public-key', keyFile],
    env,
    VERIFY_TIMEOUT_MS,
  );
  const report = fromJson(verified.stdout);
  const exportedCount = count ? Number(count[1]) : null;
  if (!report) {
    return {
      ok: false,
      eventsChecked: null,
      firstBad: null,
      exported: exportedCount,
      error: `verify exited ${String(verified.code)}: ${verified.stderr.trim().slice(-300)}`,
    };
  }
  const exitAgrees = (verified.code === 0) === report.ok;
  return {
    ...report,
    ok: report.ok && exitAgrees,
    exported: exportedCount,
    error: exitAgrees ? null : `verify exited ${String(verified.code)} with ok=${String(report.ok)}`,
  };
}
