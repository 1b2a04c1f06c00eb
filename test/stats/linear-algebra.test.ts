import { describe, expect, it } from 'vitest';
import { CollinearityError, choleskySolve, invertSymmetric, invertUpper, leastSquares, matMul } from '../../src/stats/linear-algebra.js';
import { fitOls } from '../../src/stats/ols.js';
import { fitPoissonGlm } from '../../src/stats/poisson-glm.js';
import { expectClose } from './helpers.js';

describe('dense linear algebra', () => {
  it('solves least squares exactly for a consistent system (1e-12)', () => {
    const x = [
      [1, 0, 2],
      [1, 1, 0],
      [1, 2, 1],
      [1, 3, 5],
      [1, 4, 3],
    ];
    const beta = [0.5, -1.25, 2];
    const y = x.map((r) => r.reduce((a, v, j) => a + v * beta[j]!, 0));
    const fit = leastSquares(x, y);
    fit.coefficients.forEach((b, j) => expectClose(b, beta[j]!, 1e-12, 1e-13, `beta[${j}]`));
    // (X'X)⁻¹ times X'X is the identity.
    const xtx = matMul(
      x[0]!.map((_, i) => x.map((r) => r[i]!)),
      x,
    );
    const id = matMul(fit.xtxInverse, xtx);
    id.forEach((row, i) => row.forEach((v, j) => expectClose(v, i === j ? 1 : 0, 0, 1e-12, `I[${i}][${j}]`)));
  });
  it('inverts triangular and symmetric positive-definite matrices', () => {
    const r = [
      [2, 1, -1],
      [0, 3, 0.5],
      [0, 0, 4],
    ];
    matMul(r, invertUpper(r)).forEach((row, i) => row.forEach((v, j) => expectClose(v, i === j ? 1 : 0, 0, 1e-14, 'R R⁻¹')));
    const a = [
      [4, 2, 0.6],
      [2, 3, 0.4],
      [0.6, 0.4, 1],
    ];
    matMul(a, invertSymmetric(a)).forEach((row, i) => row.forEach((v, j) => expectClose(v, i === j ? 1 : 0, 0, 1e-14, 'A A⁻¹')));
    const x = choleskySolve(a, [1, 2, 3]);
    [1, 2, 3].forEach((b, i) => expectClose(a[i]!.reduce((s, v, j) => s + v * x[j]!, 0), b, 1e-14, 0, `Ax[${i}]`));
  });
  it('reports the collinear column', () => {
    const x = [
      [1, 1, 2],
      [1, 2, 4],
      [1, 3, 6],
      [1, 4, 8],
    ];
    let err: unknown;
    try {
      leastSquares(x, [1, 2, 3, 4]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CollinearityError);
    expect((err as CollinearityError).column).toBe(2);
    expect(() => fitOls([[1], [1]], [1, 2]).sigma2).not.toThrow();
    expect(() => fitOls([[1, 0]], [1])).toThrow(/at least 3/);
  });
  it('Poisson GLM: an intercept-only model gives log(mean count) with SE 1/√Σy', () => {
    const y = [3, 7, 4, 6, 5];
    const fit = fitPoissonGlm(
      y.map(() => [1]),
      y,
    );
    expectClose(fit.coefficients[0], Math.log(5), 1e-12, 0, 'intercept');
    expectClose(Math.sqrt(fit.unscaledCovariance[0]![0]!), 1 / Math.sqrt(25), 1e-10, 0, 'se');
    expect(fit.converged).toBe(true);
  });
});
