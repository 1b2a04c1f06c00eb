/**
 * What a calculation produces: plain JSON-ready data. Amounts are integer pence (JSON numbers,
 * always safe integers); achievement and shares are given as fixed-point decimal strings of
 * the exact ratios used, so nothing in the record depends on floating-point printing.
 */
import type { Status } from './rules.js';

/** One indicator_result row a calculation read. */
export interface ResultUsed {
  indicator_id: string;
  org_kind: string;
  org_code: string;
  period_end: string;
  numerator: number;
  denominator: number;
  value: number | null;
  definition_hash: string;
  codelist_versions: string;
  computed_at: string | null;
  /** Whether definition_hash is the indicator's current definition. */
  current_definition: boolean;
}

export interface ComponentOutcome {
  id: string;
  title: string | null;
  indicator: string;
  weight_bp: number;
  direction: 'higher' | 'lower';
  rule: string;
  measured_at: string;
  /** The value as stored (percent for a proportion), or null when there is none. */
  value: number | null;
  /** The achievement compared with the thresholds, to six decimals (exact for proportions: 100 × numerator / denominator). */
  achievement: string | null;
  status: Status;
  /** Share of the component's performance pot earned, 0 to 1, to six decimals. */
  earned_share: string;
  /** The component's part of the performance pot (largest remainder by weight). */
  component_pot_pence: number;
  earned_pence: number;
  /** The component's part of the advance (largest remainder by weight), which a floor can claw back. */
  advance_part_pence: number;
  below_floor: boolean;
  clawback_pence: number;
  /** The result row read, or null when it was missing. */
  result: ResultUsed | null;
}

export interface NetworkOutcome {
  code: string;
  name: string;
  /** The list or register size the pot was split by (null for per_network and equal splits). */
  split_size: number | null;
  pot_pence: number;
  advance_pence: number;
  advance_paid_on: string;
  performance_pot_pence: number;
  performance_pence: number;
  performance_paid_on: string | null;
  /** Performance money not earned (stays with the commissioner). */
  unearned_pence: number;
  clawback_pence: number;
  /** advance + performance − clawback. */
  total_pence: number;
  components: ComponentOutcome[];
}

export interface PotDescription {
  basis: 'per_network' | 'equal' | 'list_size' | 'register';
  /** This year's pot for all networks. */
  total_pence: number;
  /** What the scheme file's amount covers: each year (year) or the scheme's whole life (scheme). */
  per: 'year' | 'scheme';
  /** The scheme's pot over all its years (all networks). */
  lifetime_pot_pence: number;
  /** The lifetime pot less this year's and the earlier years' pots: what is left for later years. */
  left_after_year_pence: number;
  /** For a lifetime pot, this year's part as the file writes it ("£56,000" or "50%"); null for a yearly pot. */
  year_part: string | null;
  per_network_pence?: number;
  date?: string;
  source?: 'registration' | 'list_size_reference';
  indicator?: string;
  measure?: 'numerator' | 'denominator';
}

export interface ListSizeUsed {
  network: string;
  practice: string;
  patients: number;
}

export interface Totals {
  pot_pence: number;
  advance_pence: number;
  performance_pot_pence: number;
  performance_pence: number;
  unearned_pence: number;
  clawback_pence: number;
  total_pence: number;
}

export interface Calculation {
  scheme: { id: string; title: string; file: string; hash: string };
  year: number;
  financial_year: string;
  period: { start: string; end: string };
  pot: PotDescription;
  networks: NetworkOutcome[];
  totals: Totals;
  trace: { results: ResultUsed[]; list_sizes: ListSizeUsed[] };
  warnings: string[];
}
