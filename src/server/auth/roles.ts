import { z } from 'zod';

export const ROLES = ['practice', 'network', 'commissioner', 'evaluator', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = (typeof ROLES)[number];

/** The signed-in identity a request acts as. In open demo mode it is the synthetic 'open-demo' admin. */
export interface Principal {
  username: string;
  role: Role;
  /** The practice's or network's code for those roles; null for the others. */
  org: string | null;
}

/** Roles that are tied to one organisation, and the kind of organisation. */
export const ORG_KIND_FOR_ROLE: Partial<Record<Role, 'practice' | 'network'>> = { practice: 'practice', network: 'network' };
