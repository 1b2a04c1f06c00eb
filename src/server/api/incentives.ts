import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { loadCodelists } from '../../codelists/load.js';
import { loadIndicators } from '../../indicators/load.js';
import { calculateScheme } from '../../programmes/incentives/calculate.js';
import type { Calculation } from '../../programmes/incentives/calculation-types.js';
import { isEnvelopeFile } from '../../programmes/incentives/envelope.js';
import { SchemeError, catalogueOf, loadScheme, type IndicatorCatalogue } from '../../programmes/incentives/load-scheme.js';
import { projectScheme, type Projection } from '../../programmes/incentives/projection.js';
import { lifetimePotTotal, publishedPot, yearPots } from '../../programmes/incentives/lifetime.js';
import { penceToNumber } from '../../programmes/incentives/money.js';
import type { Scheme } from '../../programmes/incentives/scheme.js';
import { IncentiveDataError } from '../../programmes/incentives/store-reads.js';
import type { Engine } from '../../store/engine.js';
import { ApiError } from './errors.js';
import type { DashboardData } from './dashboard-data.js';
import { discloseCalculation } from '../disclosure/incentives.js';
import { ruleText } from '../disclosure/rule.js';

/** The project's shipped scheme files (schemes/*.yaml, envelopes excluded). */
export const DEFAULT_SCHEME_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'schemes');

export function shippedSchemeFiles(dir: string = DEFAULT_SCHEME_DIR): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.yaml') || n.endsWith('.yml'))
    .sort()
    .map((n) => join(dir, n))
    .filter((f) => !isEnvelopeFile(f));
}

/**
 * The incentive schemes the dashboard shows, loaded once, and their calculations (dry runs of
 * `gpnet incentives calculate`: nothing is stored), kept in memory because the store does not
 * change while the dashboard serves it.
 */
export class IncentiveService {
  private loaded: Scheme[] | null = null;
  private catalogueValue: IndicatorCatalogue | null = null;
  private readonly calculations = new Map<string, Promise<Calculation>>();
  private readonly projections = new Map<string, Promise<Projection>>();

  constructor(
    readonly engine: Engine,
    private readonly files: readonly string[] = shippedSchemeFiles(),
  ) {}

  catalogue(): IndicatorCatalogue {
    this.catalogueValue ??= catalogueOf(loadIndicators(loadCodelists()));
    return this.catalogueValue;
  }

  schemes(): Scheme[] {
    if (!this.loaded) {
      // A bad shipped scheme file is the server's fault: the error (file, line, field) is logged as a 500.
      this.loaded = this.files.map((f) => loadScheme(f, this.catalogue()));
    }
    return this.loaded;
  }

  /** The scheme and a year it runs (404 otherwise). */
  scheme(id: string, year: string): { scheme: Scheme; year: number } {
    const scheme = this.schemes().find((s) => s.id === id);
    if (!scheme) throw new ApiError(404, 'not_found', `no incentive scheme ${id}; schemes: ${this.schemes().map((s) => s.id).join(', ')}`);
    if (!/^\d{4}$/.test(year)) throw new ApiError(400, 'bad_request', `year must be a financial year such as 2009 (for 2009/10), not ${year}`);
    const y = Number(year);
    if (y < scheme.years.from || y > scheme.years.to) throw new ApiError(404, 'not_found', `${scheme.id} runs for ${scheme.years.from} to ${scheme.years.to}, not ${y}`);
    return { scheme, year: y };
  }

  calculation(scheme: Scheme, year: number): Promise<Calculation> {
    const key = `${scheme.id}\u0000${year}`;
    let p = this.calculations.get(key);
    if (!p) {
      p = dataErrors(() => calculateScheme(this.engine, scheme, year, this.catalogue()));
      p.catch(() => this.calculations.delete(key));
      this.calculations.set(key, p);
    }
    return p;
  }

  projection(scheme: Scheme, year: number, asOf: string): Promise<Projection> {
    const key = `${scheme.id}\u0000${year}\u0000${asOf}`;
    let p = this.projections.get(key);
    if (!p) {
      p = dataErrors(() => projectScheme(this.engine, scheme, year, this.catalogue(), { asOf }));
      p.catch(() => this.projections.delete(key));
      this.projections.set(key, p);
    }
    return p;
  }
}

async function dataErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof IncentiveDataError || err instanceof SchemeError) throw new ApiError(404, 'not_found', err.message);
    throw err;
  }
}

/**
 * JSON: /api/incentives (schemes), /api/incentives/SCHEME/YEAR (the calculation), …/networks/CODE
 * (one network's outcome); the result rows in them carry the numbers of `shown`, the server's
 * disclosed view (src/server/disclosure/incentives.ts).
 */
export function incentiveApiRoutes(service: IncentiveService, shown: DashboardData): Hono {
  const api = new Hono();
  const rule = ruleText(shown.disclosure);
  api.use('*', async (c, next) => {
    c.header('X-Disclosure', rule);
    await next();
  });
  api.get('/', (c) => {
    const networkCount = [...shown.orgs.values()].filter((o) => o.kind === 'network').length;
    return c.json(
      service.schemes().map((s) => ({
        id: s.id,
        title: s.title,
        years: s.years,
        file: s.file.slice(s.file.lastIndexOf('/') + 1),
        hash: s.hash,
        // The pot as stated (a year's, or the scheme's whole life), the lifetime pot, and each year's pot with what the lifetime pot has left after it.
        pot_per: s.pot.per,
        published_pot_pence: penceToNumber(publishedPot(s, networkCount)),
        lifetime_pot_pence: penceToNumber(lifetimePotTotal(s, networkCount)),
        year_pots: yearPots(s, networkCount).map((y) => ({ year: y.year, financial_year: y.financial_year, pot_pence: penceToNumber(y.pot_pence), left_after_pence: penceToNumber(y.left_after_pence) })),
      })),
    );
  });
  api.get('/:scheme/:year', async (c) => {
    const { scheme, year } = service.scheme(c.req.param('scheme'), c.req.param('year'));
    return c.json(discloseCalculation(await service.calculation(scheme, year), shown));
  });
  api.get('/:scheme/:year/networks/:code', async (c) => {
    const { scheme, year } = service.scheme(c.req.param('scheme'), c.req.param('year'));
    const calc = discloseCalculation(await service.calculation(scheme, year), shown);
    const net = calc.networks.find((n) => n.code === c.req.param('code'));
    if (!net) throw new ApiError(404, 'unknown_organisation', `${c.req.param('code')} is not a network in ${scheme.id} ${year}`);
    return c.json(net);
  });
  return api;
}
