import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';
import { UserError } from './errors.js';

const program = new Command();
program
  .name('gpnet')
  .description('Indicators, dashboards, recall and evaluation for large-scale general practice collaborations')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

for (const register of COMMANDS) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
  } else if (err instanceof UserError) {
    process.stderr.write(`gpnet: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    const e = err as Error;
    process.stderr.write(`gpnet: ${e.message}\n`);
    if (process.env['GPNET_DEBUG']) process.stderr.write(`${e.stack ?? ''}\n`);
    process.exitCode = 1;
  }
}
