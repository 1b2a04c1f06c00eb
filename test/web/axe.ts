import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ROOT } from './helpers.js';

const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** axe-core's WCAG 2.2 A/AA violations on the page as it is now: rule id and up to three targets each. */
export async function axeViolations(page: Page): Promise<{ id: string; targets: string[] }[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async (tags) => {
    const w = globalThis as unknown as {
      axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> };
      document: unknown;
    };
    const r = await w.axe.run(w.document, { runOnly: { type: 'tag', values: tags } });
    return r.violations.map((v) => ({ id: v.id, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  }, WCAG_22_AA);
}

/** Fails, naming the page, when axe finds any violation. */
export async function expectNoAxeViolations(page: Page, name: string): Promise<void> {
  expect({ page: name, violations: await axeViolations(page) }).toEqual({ page: name, violations: [] });
}
