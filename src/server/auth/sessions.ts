import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Engine } from '../../store/engine.js';
import { dummyHash, verifyPassword } from './password.js';
import type { Principal, Role } from './roles.js';
import { findUser } from './users.js';

/**
 * Server-side sessions and the sign-in policy.
 * - Session ids are 256 random bits (base64url); only their SHA-256 is stored, so a copy of the
 *   store does not yield usable cookies. Each session carries its own CSRF synchroniser token.
 * - Lock-out: after LOCKOUT_FAILURES consecutive wrong passwords an account is locked for
 *   LOCKOUT_MS; a correct password during the lock-out is refused like a wrong one.
 * - Rate limit: at most CLIENT_ATTEMPTS sign-in attempts per client address per CLIENT_WINDOW_MS
 *   (in memory), whatever the usernames.
 * Every failure gets the same generic message.
 */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;
export const CLIENT_ATTEMPTS = 30;
export const CLIENT_WINDOW_MS = 15 * 60 * 1000;

export interface Session {
  principal: Principal;
  csrfToken: string;
  expiresMs: number;
}

export type SignInResult = { ok: true; sessionId: string; session: Session } | { ok: false; reason: 'bad-credentials' | 'locked' | 'rate-limited' };

const hashId = (id: string): string => createHash('sha256').update(id).digest('hex');

export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SessionService {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly engine: Engine,
    private readonly now: () => number = Date.now,
    readonly ttlMs: number = SESSION_TTL_MS,
  ) {}

  /** Checks the password; on success creates a session. Never reveals which part was wrong. */
  async signIn(username: string, password: string, client: string): Promise<SignInResult> {
    const t = this.now();
    const recent = (this.attempts.get(client) ?? []).filter((a) => t - a < CLIENT_WINDOW_MS);
    if (recent.length >= CLIENT_ATTEMPTS) {
      this.attempts.set(client, recent);
      return { ok: false, reason: 'rate-limited' };
    }
    recent.push(t);
    this.attempts.set(client, recent);
    const user = await findUser(this.engine, username);
    if (!user) {
      await verifyPassword(password, await dummyHash());
      return { ok: false, reason: 'bad-credentials' };
    }
    if (user.locked_until_ms > t) {
      await verifyPassword(password, await dummyHash());
      return { ok: false, reason: 'locked' };
    }
    if (!(await verifyPassword(password, user.password_hash))) {
      const failures = user.failed_attempts + 1;
      const locked = failures >= LOCKOUT_FAILURES;
      await this.engine.run('UPDATE app_user SET failed_attempts = $1, locked_until_ms = $2 WHERE username = $3', [locked ? 0 : failures, locked ? t + LOCKOUT_MS : 0, username]);
      return { ok: false, reason: locked ? 'locked' : 'bad-credentials' };
    }
    await this.engine.run('UPDATE app_user SET failed_attempts = 0, locked_until_ms = 0 WHERE username = $1', [username]);
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresMs = t + this.ttlMs;
    await this.engine.run('INSERT INTO app_session (id_hash, username, csrf_token, created_ms, expires_ms) VALUES ($1, $2, $3, $4, $5)', [hashId(sessionId), username, csrfToken, t, expiresMs]);
    return { ok: true, sessionId, session: { principal: { username, role: user.role, org: user.org }, csrfToken, expiresMs } };
  }

  /** The live session for a cookie value, or null (unknown, forged, malformed or expired). */
  async lookup(sessionId: string | undefined): Promise<Session | null> {
    if (!sessionId || !/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return null;
    const rows = await this.engine.all(
      'SELECT s.csrf_token, s.expires_ms, u.username, u.role, u.org FROM app_session s JOIN app_user u ON u.username = s.username WHERE s.id_hash = $1',
      [hashId(sessionId)],
    );
    const r = rows[0];
    if (!r) return null;
    const expiresMs = Number(r.expires_ms);
    if (expiresMs <= this.now()) {
      await this.end(sessionId);
      return null;
    }
    return { principal: { username: String(r.username), role: r.role as Role, org: r.org === null ? null : String(r.org) }, csrfToken: String(r.csrf_token), expiresMs };
  }

  async end(sessionId: string): Promise<void> {
    await this.engine.run('DELETE FROM app_session WHERE id_hash = $1', [hashId(sessionId)]);
  }
}
