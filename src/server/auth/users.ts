import type { Engine } from '../../store/engine.js';
import { scalar } from '../../store/engine.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hashPassword } from './password.js';
import { ORG_KIND_FOR_ROLE, type Role } from './roles.js';

export interface UserRow {
  username: string;
  password_hash: string;
  role: Role;
  org: string | null;
  failed_attempts: number;
  locked_until_ms: number;
}

export const USERNAME_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;

export class UserInputError extends Error {}

/** Adds a local account; checks the role's organisation exists and is of the right kind. */
export async function addUser(engine: Engine, u: { username: string; role: Role; org?: string | null; password: string }): Promise<void> {
  if (!USERNAME_PATTERN.test(u.username)) throw new UserInputError('username: 1–64 letters, digits, _ . @ -');
  if (u.password.length < MIN_PASSWORD_LENGTH) throw new UserInputError(`password: at least ${MIN_PASSWORD_LENGTH} characters`);
  if (u.password.length > MAX_PASSWORD_LENGTH) throw new UserInputError(`password: at most ${MAX_PASSWORD_LENGTH} characters`);
  const kind = ORG_KIND_FOR_ROLE[u.role];
  let org: string | null = null;
  if (kind) {
    if (!u.org) throw new UserInputError(`--org is required for the ${u.role} role (the ${kind}'s code)`);
    const found = await scalar(engine, 'SELECT kind FROM organisation WHERE code = $1', [u.org]);
    if (found === null) throw new UserInputError(`--org ${u.org}: no such organisation in the store`);
    if (found !== kind) throw new UserInputError(`--org ${u.org}: is a ${String(found)}, but the ${u.role} role needs a ${kind}`);
    org = u.org;
  } else if (u.org) {
    throw new UserInputError(`--org is only for the practice and network roles (not ${u.role})`);
  }
  const exists = await scalar(engine, 'SELECT count(*) FROM app_user WHERE username = $1', [u.username]);
  if (Number(exists) > 0) throw new UserInputError(`username ${u.username} already exists`);
  const hash = await hashPassword(u.password);
  await engine.run('INSERT INTO app_user (username, password_hash, role, org, created_at, failed_attempts, locked_until_ms) VALUES ($1, $2, $3, $4, $5, 0, 0)', [
    u.username,
    hash,
    u.role,
    org,
    new Date().toISOString(),
  ]);
}

export async function findUser(engine: Engine, username: string): Promise<UserRow | null> {
  const rows = await engine.all('SELECT username, password_hash, role, org, failed_attempts, locked_until_ms FROM app_user WHERE username = $1', [username]);
  const r = rows[0];
  if (!r) return null;
  return {
    username: String(r.username),
    password_hash: String(r.password_hash),
    role: r.role as Role,
    org: r.org === null ? null : String(r.org),
    failed_attempts: Number(r.failed_attempts),
    locked_until_ms: Number(r.locked_until_ms),
  };
}
