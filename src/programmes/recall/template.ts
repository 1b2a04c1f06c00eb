import { PLACEHOLDERS, type Placeholder } from './programme.js';

/**
 * Message templates with safe placeholders: the text may contain only {name}, {nhs_number},
 * {practice}, {programme}, {service} and {due_by}. Rendering is plain string substitution —
 * nothing in a template is ever evaluated — and values lose control characters and braces.
 */
export class TemplateError extends Error {}

const TOKEN = /\{([^{}]*)\}/g;

/** The placeholders a template uses; throws on unknown ones and on stray braces. */
export function checkTemplate(template: string): Placeholder[] {
  const used: Placeholder[] = [];
  for (const m of template.matchAll(TOKEN)) {
    const name = m[1] ?? '';
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new TemplateError(`unknown placeholder {${name}} (allowed: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`);
    }
    used.push(name as Placeholder);
  }
  const rest = template.replace(TOKEN, '');
  if (/[{}]/.test(rest)) throw new TemplateError('unmatched { or } (placeholders are written {name})');
  return used;
}

function clean(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f{}]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Fills a checked template; every placeholder it uses must have a value. */
export function renderTemplate(template: string, values: Readonly<Record<Placeholder, string>>): string {
  checkTemplate(template);
  const text = template.replace(TOKEN, (_all, name: string) => clean(values[name as Placeholder]));
  return text.replace(/\s+/g, ' ').trim();
}
