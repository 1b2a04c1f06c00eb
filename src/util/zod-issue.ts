import type { z } from 'zod';

export interface DescribedIssue {
  /** Path within the document, e.g. ['numerator', 'has_event', 'window']. */
  path: PropertyKey[];
  message: string;
}

/**
 * The most useful single message for a failed parse. For unions (criteria, windows) zod reports
 * "Invalid input" at the union; here we look inside its branches and report the branch that got
 * furthest, so a user reads "numerator.has_event.window: Unrecognized key: "weeks"".
 */
export function describeIssue(error: z.ZodError): DescribedIssue {
  const pick = (issues: readonly z.core.$ZodIssue[], base: PropertyKey[]): DescribedIssue => {
    let best: DescribedIssue | null = null;
    let bestDepth = -1;
    for (const issue of issues) {
      let candidate: DescribedIssue;
      const path = [...base, ...issue.path];
      if (issue.code === 'invalid_union' && 'errors' in issue && Array.isArray(issue.errors) && issue.errors.length) {
        const branches = issue.errors as z.core.$ZodIssue[][];
        // If every branch objects to the same unknown keys here, that is the user's mistake.
        const unknownPerBranch = branches.map(
          (b) => new Set(b.filter((i) => i.code === 'unrecognized_keys' && i.path.length === 0).flatMap((i) => ('keys' in i ? (i.keys as string[]) : []))),
        );
        const common = [...(unknownPerBranch[0] ?? [])].filter((k) => unknownPerBranch.every((set) => set.has(k)));
        if (common.length) {
          candidate = { path, message: `unrecognised key${common.length > 1 ? 's' : ''} ${common.map((k) => `"${k}"`).join(', ')}` };
          if (candidate.path.length > bestDepth) {
            best = candidate;
            bestDepth = candidate.path.length;
          }
          continue;
        }
        // Otherwise keep the branch whose deepest issue goes furthest.
        let inner: DescribedIssue | null = null;
        let innerDepth = -1;
        for (const branch of branches) {
          const d = pick(branch, path);
          // A branch failing on an unrecognized top-level key is the wrong branch; prefer others.
          const depth = d.path.length - (/Unrecognized key/.test(d.message) && d.path.length === path.length ? 0.5 : 0);
          if (depth > innerDepth) {
            inner = d;
            innerDepth = depth;
          }
        }
        candidate = inner ?? { path, message: issue.message };
        if (candidate.path.length === path.length && /Unrecognized key/.test(candidate.message)) {
          candidate = { path, message: `not a recognised form here (${candidate.message})` };
        }
      } else {
        candidate = { path, message: issue.message };
      }
      if (candidate.path.length > bestDepth) {
        best = candidate;
        bestDepth = candidate.path.length;
      }
    }
    return best ?? { path: base, message: 'invalid' };
  };
  return pick(error.issues, []);
}
