import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Files the pages need, all served by gpnet itself so that no request leaves the machine:
 * nhsuk-frontend's CSS (with its @font-face rules removed: they load fonts from an NHS host; the
 * design system's own fallback, Arial, is used instead), its images, and web/ (overrides, scripts).
 */
export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
const require = createRequire(import.meta.url);
const NHSUK_DIR = join(dirname(require.resolve('nhsuk-frontend/package.json')), 'dist', 'nhsuk');

export function stripFontFaces(css: string): string {
  return css.replace(/@font-face\s*\{[^}]*\}/g, '');
}

let cssCache: string | null = null;
export function dashboardCss(): string {
  if (cssCache === null) {
    const base = stripFontFaces(readFileSync(join(NHSUK_DIR, 'nhsuk-frontend.min.css'), 'utf8'));
    cssCache = `${base}\n${readFileSync(join(WEB_DIR, 'dashboard.css'), 'utf8')}`;
  }
  return cssCache;
}

const TYPES: Record<string, string> = { '.svg': 'image/svg+xml', '.png': 'image/png', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.ico': 'image/x-icon', '.json': 'application/json' };

/** A file under a root, or null when the path escapes it or does not exist. */
export function readUnder(root: 'nhsuk-assets' | 'web', relative: string): { body: Buffer; type: string } | null {
  const base = root === 'web' ? WEB_DIR : join(NHSUK_DIR, 'assets');
  const full = normalize(join(base, relative));
  if (!full.startsWith(base + sep)) return null;
  const ext = full.slice(full.lastIndexOf('.'));
  const type = TYPES[ext];
  if (!type) return null;
  try {
    return { body: readFileSync(full), type };
  } catch {
    return null;
  }
}
