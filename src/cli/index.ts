import { Command } from 'commander';
import { registerAdminCommands } from './admin.command.js';
import { registerAuditCommands } from './audit.command.js';
import { registerMigrateCommand } from './migrate.command.js';
import { describeError } from './cli-output.js';
import { registerPolicyCommands } from './policy.command.js';
import { registerPolicySimulate } from './policy-simulate.command.js';
import { registerRecipientListCommands } from './recipient-list.command.js';

// `govcert`: the admin CLI (bin/govcert.js runs this). Each command family registers itself.
const program = new Command()
  .name('govcert')
  .description('GovCERT incident response: administration, policy and audit tools')
  .showHelpAfterError();

registerAdminCommands(program);
registerRecipientListCommands(program);
registerPolicyCommands(program);
registerPolicySimulate(program);
registerAuditCommands(program);
registerMigrateCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(describeError(err));
  process.exitCode = 1;
}
