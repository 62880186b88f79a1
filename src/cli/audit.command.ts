import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  createAuditModule,
  verifyExportFile,
  writeExport,
  type AuditModule,
  type VerifyReport,
} from '../audit/index.js';
import { cliConfig, cliLogger } from './cli-config.js';
import { connectMongo } from '../platform/db/index.js';

/** Opens the database named by MONGODB_URI and the audit module over it, for one command. */
async function withAudit<T>(work: (audit: AuditModule) => Promise<T>): Promise<T> {
  const config = cliConfig();
  const logger = cliLogger();
  const db = await connectMongo(config.MONGODB_URI ?? '', logger);
  try {
    const audit = createAuditModule({ db, config, logger });
    await audit.init();
    return await work(audit);
  } finally {
    await db.close();
  }
}

function printReport(report: VerifyReport): void {
  console.log(JSON.stringify(report, null, 2));
  if (report.ok)
    console.error(
      `✓ audit trail verified: ${report.eventsChecked} events, ${report.checkpointsChecked} checkpoints`,
    );
  else
    console.error(
      `✗ audit trail broken at seq ${report.firstBad?.seq ?? '?'}: ${report.firstBad?.reason ?? 'unknown'}`,
    );
  if (!report.ok) process.exitCode = 1;
}

/**
 * Registers `audit verify`, `audit export` and `audit public-key`. `verify --file` works offline with
 * no database: an auditor needs only the export and the public key obtained from us independently.
 */
export function registerAuditCommands(program: Command): Command {
  const audit = program
    .command('audit')
    .description('the tamper-evident audit trail: verify, export, public key');

  audit
    .command('verify')
    .description('recompute the hash chain from seq 1 and check every signed checkpoint (exit 1 if broken)')
    .option('--file <export.ndjson>', 'verify an export file offline, without a database')
    .option('--public-key <pem file>', 'trusted Ed25519 public key (default: the configured/embedded one)')
    .option('--subject <id>', "report on one subject's events (the whole chain is still verified)")
    .action(async (options: { file?: string; publicKey?: string; subject?: string }) => {
      const publicKeyPem = options.publicKey ? readFileSync(options.publicKey, 'utf8') : undefined;
      const scope = {
        ...(publicKeyPem ? { publicKeyPem } : {}),
        ...(options.subject ? { subjectId: options.subject } : {}),
      };
      if (options.file) {
        const report = await verifyExportFile(options.file, scope);
        if (report.publicKeySource === 'embedded') {
          console.error(
            '! no --public-key given: checked against the key inside the file, which proves consistency, not origin',
          );
        }
        printReport(report);
        return;
      }
      printReport(await withAudit((module) => module.audit.verify(scope)));
    });

  audit
    .command('export')
    .description('write the trail, its checkpoints and the public key as NDJSON')
    .requiredOption('--out <file>', 'output file')
    .action(async (options: { out: string }) => {
      const count = await withAudit((module) => writeExport(module.audit, options.out));
      console.error(`✓ exported ${count} events to ${options.out}`);
    });

  audit
    .command('public-key')
    .description('print the PEM public key that verifies audit checkpoints')
    .action(async () => {
      process.stdout.write(await withAudit((module) => Promise.resolve(module.audit.publicKeyPem())));
    });

  return audit;
}
