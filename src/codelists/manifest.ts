import { z } from 'zod';

/**
 * codelists/codelists.yaml lists every codelist the project uses: where its CSV is, which
 * column holds the code, its coding system and version, and where it came from.
 * Real lists are byte-for-byte copies from ../shared/codelists (see codelists/PROVENANCE.md).
 * A list may take a subset of a real file's rows (`include_codes`), every code of which must
 * exist in that file. Concepts with no real list use the separate local code system
 * `gpnet-local` (codes that start with "GPNET-"), documented in docs/CODELISTS.md as gaps.
 */
export const CodeSystem = z.enum(['snomedct', 'dmd', 'icd10', 'gpnet-local']);
export type CodeSystem = z.infer<typeof CodeSystem>;

export const CodelistEntry = z
  .object({
    slug: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'slug: lower-case letters, digits, - _ . only'),
    title: z.string().min(1),
    system: CodeSystem,
    version: z.string().min(1),
    /** The CSV file (relative to codelists/); or `union_of` other lists. */
    file: z.string().min(1).optional(),
    union_of: z.array(z.string()).min(2).optional(),
    code_column: z.string().default('code'),
    term_column: z.string().optional(),
    /** Keep only these codes of the file (a documented subset of a real list). */
    include_codes: z.array(z.string()).optional(),
    /** Keep only rows whose column holds one of these values (e.g. type = full). */
    where: z.object({ column: z.string(), in: z.array(z.string()).min(1) }).strict().optional(),
    source: z.string().min(1),
  })
  .strict()
  .refine((e) => (e.file === undefined) !== (e.union_of === undefined), 'give exactly one of file and union_of');
export type CodelistEntry = z.infer<typeof CodelistEntry>;

export const CodelistManifest = z.object({ codelists: z.array(CodelistEntry) }).strict();
export type CodelistManifest = z.infer<typeof CodelistManifest>;
