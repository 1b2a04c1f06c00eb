import type { Command } from 'commander';
import { RoleSchema } from '../../server/auth/roles.js';
import { UserInputError, addUser } from '../../server/auth/users.js';
import { openStore } from '../../store/open.js';
import { UserError } from '../errors.js';
import { storeLocation, type StoreOptions } from '../store-option.js';

/** Reads the whole of stdin; the password is its first line (trailing newline removed). */
async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** `gpnet users add (--db FILE | --pg URL) --username U --role R [--org CODE] --password-stdin`: local accounts for sign-in. */
export function register(program: Command): void {
  const users = program.command('users').description('manage the accounts that can sign in to gpnet serve');
  users
    .command('add')
    .description('add an account (the password is read from standard input and hashed with argon2id)')
    .option('--db <file>', 'the DuckDB store file')
    .option('--pg <url>', 'a PostgreSQL store instead: postgres://user@host:port/database')
    .requiredOption('--username <name>', 'the sign-in name')
    .requiredOption('--role <role>', 'practice | network | commissioner | evaluator | admin')
    .option('--org <code>', "the practice's or network's code (practice and network roles)")
    .option('--password-stdin', 'read the password from standard input (required: passwords are never taken as arguments)')
    .action(async (opts: StoreOptions & { username: string; role: string; org?: string; passwordStdin?: boolean }) => {
      const role = RoleSchema.safeParse(opts.role);
      if (!role.success) throw new UserError(`--role must be one of practice, network, commissioner, evaluator, admin (got ${opts.role})`);
      if (!opts.passwordStdin) throw new UserError('--password-stdin is required: pipe the password in, e.g. `printf %s "$PW" | gpnet users add … --password-stdin`');
      const location = storeLocation(opts);
      const password = await readPasswordFromStdin();
      const store = await openStore(location);
      try {
        await addUser(store, { username: opts.username, role: role.data, org: opts.org ?? null, password });
      } catch (err) {
        if (err instanceof UserInputError) throw new UserError(err.message);
        throw err;
      } finally {
        await store.close();
      }
      process.stdout.write(`added ${opts.username} (${role.data}${opts.org ? `, ${opts.org}` : ''})\n`);
    });
}
