import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../web/helpers.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('audit log is append-only in the code', () => {
  it('no source file updates, deletes from, truncates, drops or alters audit_log', () => {
    const offenders = sources(join(ROOT, 'src')).filter((f) => /\b(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|TRUNCATE\s+(TABLE\s+)?audit_log|DROP\s+TABLE\s+(IF\s+EXISTS\s+)?audit_log|ALTER\s+TABLE\s+audit_log)\b/i.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

});
