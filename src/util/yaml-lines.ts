import { LineCounter, parseDocument, type Document } from 'yaml';

/** Finds the line of a field in a YAML source, walking up the path to the nearest node that exists. */
export type LineOf = (path: readonly PropertyKey[]) => number | null;

export interface ParsedYaml {
  doc: Document;
  lineOf: LineOf;
  /** The first YAML syntax error, with its line. */
  error: { message: string; line: number | null } | null;
}

interface NodeLike {
  range?: [number, number, number];
  items?: { key?: { value?: unknown; range?: [number, number, number] } }[];
}

export function parseYamlWithLines(text: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const first = doc.errors[0];
  const error = first ? { message: first.message.split('\n')[0] ?? first.message, line: first.linePos?.[0]?.line ?? null } : null;
  const lineOf: LineOf = (path) => {
    for (let n = path.length; n >= 0; n--) {
      const keys = path.slice(0, n) as (string | number)[];
      const node = (n === 0 ? doc.contents : doc.getIn(keys, true)) as NodeLike | undefined | null;
      if (n > 0) {
        // Prefer the key's own line ("weight:" rather than where its value starts).
        const parent = (n === 1 ? doc.contents : doc.getIn(keys.slice(0, -1), true)) as NodeLike | undefined | null;
        const pair = parent?.items?.find((it) => it.key?.value === path[n - 1]);
        if (pair?.key?.range) return lines.linePos(pair.key.range[0]).line;
      }
      if (node && typeof node === 'object' && node.range) return lines.linePos(node.range[0]).line;
    }
    return null;
  };
  return { doc, lineOf, error };
}
