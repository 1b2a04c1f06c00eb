import { describe, expect, it } from 'vitest';
import { chiSquareCdf, chiSquareQuantile, chiSquareUpperTail } from '../../src/stats/chi-square.js';
import { gammaP, gammaQ, logGamma } from '../../src/stats/gamma.js';
import { normalCdf, normalQuantile, normalTwoSidedP, zForConfidence } from '../../src/stats/normal.js';
import { fUpperTail, tTwoSidedP } from '../../src/stats/p-values.js';
import { Z95, Z998 } from '../../src/stats/proportion.js';
import { tCdf } from '../../src/stats/t-distribution.js';
import { expectClose } from './helpers.js';

// Closed-form identities only: no external numbers except well-known constants.
const REL = 1e-13;

describe('logGamma (tolerance 1e-13 relative)', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    let fact = 1;
    for (let n = 1; n <= 30; n++) {
      expectClose(logGamma(n + 1), Math.log((fact *= n)), REL, 1e-14, `lnΓ(${n + 1})`);
    }
    expectClose(logGamma(0.5), 0.5 * Math.log(Math.PI), REL, 0, 'lnΓ(1/2)');
    expectClose(logGamma(0.25) - logGamma(0.75), Math.log(Math.PI * Math.SQRT2) - 2 * logGamma(0.75), REL, 1e-14, 'reflection');
  });
  it('rejects non-positive arguments', () => {
    expect(() => logGamma(0)).toThrow(/positive/);
  });
});

describe('incomplete gamma (tolerance 1e-13 relative)', () => {
  it('gives P(1, x) = 1 − e^−x and Q(k, x) = e^−x Σ x^i/i! for integer k', () => {
    for (const x of [1e-6, 0.01, 0.5, 2, 10, 40]) {
      expectClose(gammaP(1, x), -Math.expm1(-x), REL, 0, `P(1, ${x})`);
      for (const k of [2, 5, 11]) {
        let term = 1;
        let sum = 1;
        for (let i = 1; i < k; i++) sum += (term *= x / i);
        expectClose(gammaQ(k, x), Math.exp(-x) * sum, 1e-12, 0, `Q(${k}, ${x})`);
      }
    }
  });
});

describe('normal distribution (tolerance 1e-14 relative)', () => {
  it('reproduces qnorm(0.975) and qnorm(0.999) used by PHE', () => {
    expectClose(normalQuantile(0.975), Z95, 1e-15, 0, 'qnorm(0.975)');
    expectClose(normalQuantile(0.999), Z998, 1e-15, 0, 'qnorm(0.999)');
    expectClose(zForConfidence(0.95), Z95, 1e-15, 0, 'z for 95%');
    expectClose(zForConfidence(0.998), Z998, 1e-14, 0, 'z for 99.8%');
  });
  it('inverts its own CDF deep into both tails', () => {
    for (const p of [1e-300, 1e-20, 1e-8, 0.001, 0.2, 0.5, 0.8, 0.999]) {
      expectClose(normalCdf(normalQuantile(p)), p, 1e-13, 0, `Φ(Φ⁻¹(${p}))`);
    }
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });
  it('gives two-sided p = 0.05 at z = 1.96', () => {
    expectClose(normalTwoSidedP(Z95), 0.05, 1e-14, 0, 'p at qnorm(0.975)');
  });
});

describe('chi-square distribution', () => {
  it('qchisq with df 2 is −2·ln(1 − p) (1e-13 relative)', () => {
    for (const p of [0.001, 0.025, 0.5, 0.975, 0.999]) expectClose(chiSquareQuantile(p, 2), -2 * Math.log1p(-p), REL, 0, `qchisq(${p}, 2)`);
  });
  it('qchisq with df 1 is qnorm((1 + p)/2)² (1e-13 relative)', () => {
    for (const p of [0.001, 0.5, 0.95, 0.998]) expectClose(chiSquareQuantile(p, 1), normalQuantile((1 + p) / 2) ** 2, 1e-12, 0, `qchisq(${p}, 1)`);
  });
  it('round-trips quantile and CDF for the df used by exact Poisson limits (1e-12)', () => {
    for (let df = 2; df <= 20; df += 2) {
      for (const p of [0.001, 0.025, 0.975, 0.999]) {
        const q = chiSquareQuantile(p, df);
        if (p < 0.5) expectClose(chiSquareCdf(q, df), p, 1e-12, 0, `pchisq(qchisq(${p}, ${df}))`);
        else expectClose(chiSquareUpperTail(q, df), 1 - p, 1e-11, 0, `upper tail at qchisq(${p}, ${df})`);
      }
    }
  });
  it('treats df = 0 as R does (qchisq(p, 0) = 0)', () => {
    expect(chiSquareQuantile(0.025, 0)).toBe(0);
  });
});

describe('t and F tail probabilities', () => {
  it('agree with 1 − CDF where that is accurate (1e-10)', () => {
    for (const [t, df] of [[0.5, 3], [2.1, 27], [-1.3, 51]] as const) {
      expectClose(tTwoSidedP(t, df), 2 * (1 - tCdf(Math.abs(t), df)), 1e-10, 0, `t=${t}, df=${df}`);
    }
  });
  it('F(1, d) upper tail equals the two-sided t(d) p-value of √F (1e-12)', () => {
    for (const f of [0.1, 0.6388, 4, 30]) expectClose(fUpperTail(f, 1, 51), tTwoSidedP(Math.sqrt(f), 51), 1e-12, 0, `F=${f}`);
  });
});
