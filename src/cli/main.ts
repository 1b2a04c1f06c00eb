import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';
import { UserError } from './errors.js';
import { lockMessage } from './store-lock-message.js';
import { StoreLockedError } from '../store/duckdb/lock.js';

const program = new Command();
program
  .name('gpnet')
  .description('Indicators, dashboards, recall and evaluation for large-scale general practice collaborations')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

for (const register of COMMANDS) register(program);

// The command being run, so that a locked store's message can say whether --read-only would help.
let running: Command | null = null;
program.hook('preAction', (_program, actionCommand) => {
  running = actionCommand;
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
  } else if (err instanceof StoreLockedError) {
    const cmd = running as Command | null;
    const readOnlyOption = cmd?.options.some((o) => o.long === '--read-only') ?? false;
    process.stderr.write(`gpnet: ${await lockMessage(err, { readOnlyOption, readOnlyGiven: readOnlyOption && cmd?.getOptionValue('readOnly') === true })}\n`);
    process.exitCode = 2;
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
