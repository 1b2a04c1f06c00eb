import { randomBytes } from 'node:crypto';
import { argon2Verify, argon2id } from 'hash-wasm';

/**
 * Password hashing with argon2id (memory-hard), via hash-wasm (WebAssembly).
 * Parameters follow the OWASP Password Storage Cheat Sheet's first argon2id option:
 * 19 MiB of memory, 2 passes, 1 lane, 16-byte random salt, 32-byte tag. They are stored in
 * the encoded hash ($argon2id$v=19$m=…,t=…,p=…$salt$tag), so they can be raised later
 * without invalidating existing passwords. Passwords are never logged or stored in clear.
 */
export const ARGON2_PARAMS = { memorySize: 19456, iterations: 2, parallelism: 1, hashLength: 32 } as const;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export async function hashPassword(password: string): Promise<string> {
  return argon2id({ password, salt: randomBytes(16), ...ARGON2_PARAMS, outputType: 'encoded' });
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    return await argon2Verify({ password, hash });
  } catch {
    return false;
  }
}

/** A valid hash of a random password: verified against when the username is unknown, so timing does not reveal it. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64'));
  return dummy;
}
