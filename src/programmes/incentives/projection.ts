import type { Engine } from '../../store/engine.js';
import type { NetworkOutcome } from './calculation-types.js';
import { paymentDates } from './calculate.js';
import { financialYearLabel } from './financial-year.js';
import { checkYear, type IndicatorCatalogue } from './load-scheme.js';
import { formatPounds } from './money.js';
import { networkPayment, splitAdvances, totalsOf, type Measured } from './payments.js';
import { networkPots } from './pots.js';
import { achievementOf } from './rules.js';
import { fromMeasured } from './ratio.js';
import type { Scheme } from './scheme.js';
import { latestNetworkPeriod, readNetworkResultsAt, readNetworkSeries, readNetworks } from './store-reads.js';

/**
 * "At current trajectory you will earn £X of £Y": for each network and component, a straight
 * line fitted by least squares to the network's last `months` monthly values (up to `asOf`) is
 * extrapolated to the measurement date, and the scheme's rules are applied to the projected
 * value. When the measurement date has already been measured (asOf on or after it), the actual
 * result is used. A projection is a guide for the network meeting, not a payment; it is not
 * stored as a version.
 */
export interface ProjectionOptions {
  /** Month end to project from (default: the latest month with results, not after the measurement date). */
  asOf?: string;
  /** How many monthly values the trend is fitted to (default 6). */
  months?: number;
}

export interface ProjectedComponent {
  id: string;
  indicator: string;
  measured_at: string;
  basis: 'actual' | 'trend' | 'flat' | 'none';
  /** The months fitted, oldest first. */
  points: { period_end: string; value: number }[];
  /** Change per month of the fitted line (null when fewer than two points). */
  slope_per_month: number | null;
  projected_value: number | null;
  status: string;
  earned_share: string;
  earned_pence: number;
  clawback_pence: number;
}

export interface ProjectedNetwork {
  code: string;
  name: string;
  pot_pence: number;
  advance_pence: number;
  performance_pot_pence: number;
  projected_performance_pence: number;
  projected_clawback_pence: number;
  projected_total_pence: number;
  sentence: string;
  components: ProjectedComponent[];
}

export interface Projection {
  scheme: { id: string; title: string; file: string; hash: string };
  year: number;
  financial_year: string;
  as_of: string | null;
  months: number;
  networks: ProjectedNetwork[];
  totals: { pot_pence: number; projected_total_pence: number; sentence: string };
}

function monthIndex(date: string): number {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return y * 12 + (m - 1);
}

/** Subtracts whole months from a month end, giving the month end. */
function monthEndBefore(date: string, months: number): string {
  const i = monthIndex(date) - months;
  const y = Math.floor(i / 12);
  const m = (i % 12) + 1;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${y}-${String(m).padStart(2, '0')}-${String(last).padStart(2, '0')}`;
}

/** Least-squares line through (t, y); null slope with one point. */
export function linearTrend(points: readonly { t: number; y: number }[], at: number): { value: number; slope: number | null } | null {
  if (points.length === 0) return null;
  if (points.length === 1) return { value: (points[0] as { y: number }).y, slope: null };
  const n = points.length;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.t - mt) * (p.y - my);
    sxx += (p.t - mt) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { value: my + slope * (at - mt), slope };
}

export async function projectScheme(engine: Engine, scheme: Scheme, year: number, catalogue: IndicatorCatalogue, options: ProjectionOptions = {}): Promise<Projection> {
  checkYear(scheme, year);
  const months = options.months ?? 6;
  if (!Number.isInteger(months) || months < 1) throw new Error(`months must be a whole number of at least 1, not ${months}`);
  const networks = await readNetworks(engine, scheme.networks);
  const pots = await networkPots(engine, scheme, year, networks, catalogue);
  const dates = paymentDates(scheme, year);

  interface Series {
    basis: ProjectedComponent['basis'];
    points: { period_end: string; value: number }[];
    slope: number | null;
    projected: number | null;
    measured: Measured;
  }
  const perComponent: Map<string, Series>[] = [];
  for (const [i, c] of scheme.performance.components.entries()) {
    const at = dates.measuredAt[i] as string;
    const kind = catalogue.get(c.indicator)?.kind ?? 'proportion';
    const asOf = options.asOf ?? null;
    const byNetwork = new Map<string, Series>();
    if (asOf === null || asOf >= at) {
      // Measured already (or asked about the measurement date itself): use the actual results where they exist.
      const actual = await readNetworkResultsAt(engine, c.indicator, at, catalogue);
      for (const [code, r] of actual) {
        const achievement = achievementOf(kind, r);
        if (achievement && r.value !== null)
          byNetwork.set(code, { basis: 'actual', points: [{ period_end: r.period_end, value: r.value }], slope: null, projected: r.value, measured: { value: r.value, achievement, result: r } });
      }
    }
    const to = asOf !== null && asOf < at ? asOf : ((await latestNetworkPeriod(engine, c.indicator, at)) ?? at);
    const from = monthEndBefore(to, months - 1);
    const series = await readNetworkSeries(engine, c.indicator, from, to, catalogue);
    for (const n of networks) {
      if (byNetwork.has(n.code)) continue;
      const points = series.filter((r) => r.org_code === n.code && r.value !== null).map((r) => ({ period_end: r.period_end, value: r.value as number }));
      const fit = linearTrend(
        points.map((p) => ({ t: monthIndex(p.period_end), y: p.value })),
        monthIndex(at),
      );
      if (!fit) {
        byNetwork.set(n.code, { basis: 'none', points, slope: null, projected: null, measured: { value: null, achievement: null, result: null } });
        continue;
      }
      const upper = kind === 'proportion' ? 100 : Number.POSITIVE_INFINITY;
      const projected = Math.min(upper, Math.max(0, fit.value));
      byNetwork.set(n.code, {
        basis: fit.slope === null ? 'flat' : 'trend',
        points,
        slope: fit.slope,
        projected,
        measured: { value: projected, achievement: fromMeasured(projected), result: null },
      });
    }
    perComponent.push(byNetwork);
  }

  const advances = splitAdvances(
    scheme,
    pots.networks.map((n) => n.pot),
  );
  const outcomes: { net: NetworkOutcome; series: Series[] }[] = pots.networks.map((n, k) => {
    const series = scheme.performance.components.map((_, i) => perComponent[i]?.get(n.code) as Series);
    return { net: networkPayment(scheme, n, advances[k] as bigint, series.map((s) => s.measured), dates), series };
  });
  const totals = totalsOf(outcomes.map((o) => o.net));
  const projectedNetworks: ProjectedNetwork[] = outcomes.map(({ net, series }) => ({
    code: net.code,
    name: net.name,
    pot_pence: net.pot_pence,
    advance_pence: net.advance_pence,
    performance_pot_pence: net.performance_pot_pence,
    projected_performance_pence: net.performance_pence,
    projected_clawback_pence: net.clawback_pence,
    projected_total_pence: net.total_pence,
    sentence: `At current trajectory ${net.name} (${net.code}) will earn ${formatPounds(BigInt(net.total_pence))} of ${formatPounds(BigInt(net.pot_pence))}.`,
    components: net.components.map((c, i) => {
      const s = series[i] as Series;
      return {
        id: c.id,
        indicator: c.indicator,
        measured_at: c.measured_at,
        basis: s.basis,
        points: s.points,
        slope_per_month: s.slope,
        projected_value: s.projected,
        status: c.status,
        earned_share: c.earned_share,
        earned_pence: c.earned_pence,
        clawback_pence: c.clawback_pence,
      };
    }),
  }));
  return {
    scheme: { id: scheme.id, title: scheme.title, file: scheme.file, hash: scheme.hash },
    year,
    financial_year: financialYearLabel(year),
    as_of: options.asOf ?? null,
    months,
    networks: projectedNetworks,
    totals: {
      pot_pence: totals.pot_pence,
      projected_total_pence: totals.total_pence,
      sentence: `At current trajectory the networks will earn ${formatPounds(BigInt(totals.total_pence))} of ${formatPounds(BigInt(totals.pot_pence))}.`,
    },
  };
}
