import type { Command } from 'commander';
import { assertAtomicWrites, connectMongo, runMigrations } from '../platform/db/index.js';
import { createAuditModule } from '../audit/index.js';
import { migrationDrafts, storeMigrations } from '../modules.js';
import { cliConfig, cliLogger } from './cli-config.js';
import { printTable } from './cli-output.js';

/**
 * Registers `migrate`: converts data an earlier version stored to this version's shape. A start does
 * the same by itself; the command lets an operator do it (or see what is pending) beforehand.
 */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description("convert data an earlier version stored to this version's shape (a start also does this)")
    .option('--dry-run', 'only list the migrations this store still needs')
    .action(async (options: { dryRun?: boolean }) => {
      const config = cliConfig();
      const logger = cliLogger();
      const db = await connectMongo(config.MONGODB_URI ?? '', logger);
      try {
        await assertAtomicWrites(db);
        const outcomes = await runMigrations(db, await storeMigrations(db), logger, {
          dryRun: options.dryRun === true,
        });
        const drafts = migrationDrafts(outcomes);
        if (drafts.length > 0) {
          const audit = createAuditModule({ db, config, logger });
          await audit.init();
          await audit.audit.recordMany(drafts);
        }
        printTable(
          ['MIGRATION', 'STATE', 'CHANGED', 'WHAT'],
          outcomes.map((o) => [o.id, o.state, String(o.changed), o.description]),
        );
      } finally {
        await db.close();
      }
    });
}
