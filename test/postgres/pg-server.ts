import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL cluster for one test file: initdb into a temp folder, start `postgres`
 * on a free port (unix socket in the same folder, trust auth for loopback only, fsync off),
 * wait until it accepts connections, and stop and delete everything afterwards.
 *
 * As root, PostgreSQL refuses to run, so initdb and postgres are spawned with the uid and gid of
 * the `postgres` system user (the folder is chowned to it), which lets stop() signal the server
 * itself. Missing binaries are an error naming scripts/install-test-deps.sh, never a silent skip.
 * GPNET_PG_BIN may name another bin directory.
 */
export interface PgServer {
  /** A connection string for the cluster's `postgres` database as superuser. */
  readonly url: string;
  readonly port: number;
  /** Creates a fresh empty database and returns its connection string. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const INSTALL_HINT = 'run scripts/install-test-deps.sh (as root or with sudo) to install Debian\'s postgresql package';

/** The directory holding initdb and postgres (the newest installed major version). */
export function postgresBinDir(): string {
  const fromEnv = process.env['GPNET_PG_BIN'];
  if (fromEnv) {
    if (!existsSync(join(fromEnv, 'initdb'))) throw new Error(`GPNET_PG_BIN=${fromEnv} holds no initdb; ${INSTALL_HINT}`);
    return fromEnv;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (!newest) throw new Error(`PostgreSQL server binaries not found under ${root}/<version>/bin: ${INSTALL_HINT}`);
  return join(root, newest, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** As root: the uid and gid of the `postgres` system user (PostgreSQL refuses to run as root). */
function serverUser(): { uid: number; gid: number } | undefined {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) return undefined;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) throw new Error(`running as root but there is no 'postgres' system user: ${INSTALL_HINT}`);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`postgres exited with code ${child.exitCode} while starting:\n${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`postgres did not accept connections within ${timeoutMs} ms (${lastError}):\n${log()}`);
}

/** Starts a throwaway cluster. Call stop() in afterAll (it is safe to call twice). */
export async function startPgServer(): Promise<PgServer> {
  const bin = postgresBinDir();
  const base = mkdtempSync(join(tmpdir(), 'gpnet-pg-'));
  const dataDir = join(base, 'data');
  let child: ChildProcess | undefined;
  let output = '';
  const cleanup = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child?.once('exit', () => resolve()));
      child.kill('SIGINT'); // fast shutdown: roll back open transactions, disconnect clients
      const timer = setTimeout(() => child?.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(base, { recursive: true, force: true });
  };
  try {
    chmodSync(base, 0o700);
    // As root, initdb and postgres run as the postgres system user, which owns the folder.
    const user = serverUser();
    if (user) chownSync(base, user.uid, user.gid);
    const asUser = user ? { uid: user.uid, gid: user.gid, cwd: base } : { cwd: base };
    const initArgs = ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'];
    const initRun = spawnSync(join(bin, 'initdb'), initArgs, { encoding: 'utf8', ...asUser });
    if (initRun.error) throw new Error(`could not run initdb (${initRun.error.message}): ${INSTALL_HINT}`);
    if (initRun.status !== 0) throw new Error(`initdb failed (exit ${initRun.status}):\n${initRun.stdout}\n${initRun.stderr}`);
    // Loopback and the unix socket only, trust auth: a throwaway cluster for tests.
    writeFileSync(join(dataDir, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n');
    const port = await freePort();
    const serverArgs = [
      '-D', dataDir,
      '-p', String(port),
      '-k', base,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
      '-c', 'shared_buffers=256MB',
      '-c', 'work_mem=64MB',
      '-c', 'max_connections=50',
      '-c', 'logging_collector=off',
    ];
    child = spawn(join(bin, 'postgres'), serverArgs, { stdio: ['ignore', 'pipe', 'pipe'], ...asUser });
    const running = child;
    // If the test process dies without stop(), do not leave the server behind.
    const onExit = (): void => {
      if (running.exitCode === null) running.kill('SIGQUIT');
    };
    process.once('exit', onExit);
    running.once('exit', () => process.removeListener('exit', onExit));
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    await waitUntilReady(url, child, () => output);
    let stopped = false;
    return {
      url,
      port,
      async createDatabase(name: string): Promise<string> {
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a safe database name: ${name}`);
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE ${name}`);
        } finally {
          await client.end();
        }
        return `postgres://postgres@127.0.0.1:${port}/${name}`;
      },
      async stop(): Promise<void> {
        if (stopped) return;
        stopped = true;
        await cleanup();
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
