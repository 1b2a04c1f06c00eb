/** Tiny HTML templating: interpolated values are escaped unless they are Raw. */
export class Raw {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

export type Html = Raw | string | number | null | undefined | false | readonly Html[];

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

function render(v: Html): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Raw) return v.html;
  if (Array.isArray(v)) return (v as readonly Html[]).map(render).join('');
  return esc(String(v));
}

export function h(strings: TemplateStringsArray, ...values: Html[]): Raw {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Raw(out);
}

export function raw(s: string): Raw {
  return new Raw(s);
}

export function toHtml(v: Html): string {
  return render(v);
}

/** A query string from defined values. */
export function qs(params: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}
