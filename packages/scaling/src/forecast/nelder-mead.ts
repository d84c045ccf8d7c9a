/**
 * Nelder–Mead downhill simplex, minimising f over ℝⁿ, with the standard coefficients (reflection 1,
 * expansion 2, contraction ½, shrink ½; Lagarias et al. 1998). Bounded parameters are the caller's job,
 * through a transform such as the logistic, which keeps this small and the search unconstrained.
 *
 * Deterministic: no randomness, ties between vertices keep their earlier order (a stable sort), so the same
 * input gives the same answer bit for bit, which the simulator's replays depend on. A non-finite f(x) is
 * treated as +∞, so a region where the objective blows up is simply walked away from.
 */

export interface NelderMeadOptions {
  /** Initial simplex edge along each axis. @default 0.5 */
  step?: number;
  /** Stop when the simplex's f values span ≤ fTolerance·(|f_best| + fTolerance). @default 1e-10 */
  fTolerance?: number;
  /** …and its vertices lie within this of the best one on every axis. @default 1e-8 */
  xTolerance?: number;
  /** @default 200 × dimensions */
  maxIterations?: number;
  /**
   * Restart from the best point with a fresh simplex this many times after convergence. A collapsed
   * simplex can stall away from the minimum; one restart is the usual cheap cure. @default 1
   */
  restarts?: number;
}

export interface NelderMeadResult {
  x: number[];
  fx: number;
  iterations: number;
  evaluations: number;
  /** The tolerances were met (rather than the iteration budget running out). */
  converged: boolean;
}

interface Vertex {
  x: number[];
  f: number;
}

export function nelderMead(f: (x: readonly number[]) => number, x0: readonly number[], options: NelderMeadOptions = {}): NelderMeadResult {
  const n = x0.length;
  if (n === 0) {
    const fx = finite(f([]));
    return { x: [], fx, iterations: 0, evaluations: 1, converged: true };
  }
  if (!x0.every(Number.isFinite)) throw new RangeError('nelderMead needs a finite starting point');
  const step = options.step ?? 0.5;
  const fTol = options.fTolerance ?? 1e-10;
  const xTol = options.xTolerance ?? 1e-8;
  const maxIterations = options.maxIterations ?? 200 * n;
  const restarts = options.restarts ?? 1;

  let evaluations = 0;
  const evaluate = (x: number[]): Vertex => {
    evaluations += 1;
    return { x, f: finite(f(x)) };
  };

  let best = evaluate([...x0]);
  let iterations = 0;
  let converged = false;
  for (let round = 0; round <= restarts; round++) {
    const result = search(best, step, fTol, xTol, maxIterations, evaluate);
    iterations += result.iterations;
    converged = result.converged;
    const improved = result.best.f < best.f;
    best = result.best.f <= best.f ? result.best : best;
    if (!improved && round > 0) break;
  }
  return { x: best.x, fx: best.f, iterations, evaluations, converged };
}

function search(
  start: Vertex,
  step: number,
  fTol: number,
  xTol: number,
  maxIterations: number,
  evaluate: (x: number[]) => Vertex,
): { best: Vertex; iterations: number; converged: boolean } {
  const n = start.x.length;
  let simplex: Vertex[] = [start];
  for (let i = 0; i < n; i++) {
    const x = [...start.x];
    x[i] = (x[i] ?? 0) + step;
    simplex.push(evaluate(x));
  }

  let iterations = 0;
  for (;;) {
    simplex = stableSort(simplex);
    const best = at(simplex, 0);
    const worst = at(simplex, n);
    if (hasConverged(simplex, fTol, xTol)) return { best, iterations, converged: true };
    if (iterations >= maxIterations) return { best, iterations, converged: false };
    iterations += 1;

    const secondWorst = at(simplex, n - 1);
    const centroid = new Array<number>(n).fill(0);
    for (let v = 0; v < n; v++) {
      const x = at(simplex, v).x;
      for (let i = 0; i < n; i++) centroid[i] = (centroid[i] ?? 0) + (x[i] ?? 0) / n;
    }
    const towards = (coefficient: number): number[] => centroid.map((c, i) => c + coefficient * (c - (worst.x[i] ?? 0)));

    const reflected = evaluate(towards(1));
    if (reflected.f < best.f) {
      const expanded = evaluate(towards(2));
      simplex[n] = expanded.f < reflected.f ? expanded : reflected;
      continue;
    }
    if (reflected.f < secondWorst.f) {
      simplex[n] = reflected;
      continue;
    }
    // Contract outside when the reflection beat the worst, inside otherwise.
    const contracted = reflected.f < worst.f ? evaluate(towards(0.5)) : evaluate(towards(-0.5));
    if (contracted.f < Math.min(reflected.f, worst.f)) {
      simplex[n] = contracted;
      continue;
    }
    simplex = simplex.map((vertex, v) => (v === 0 ? vertex : evaluate(vertex.x.map((xi, i) => (best.x[i] ?? 0) + 0.5 * (xi - (best.x[i] ?? 0))))));
  }
}

function hasConverged(simplex: readonly Vertex[], fTol: number, xTol: number): boolean {
  const best = at(simplex, 0);
  const worst = at(simplex, simplex.length - 1);
  if (worst.f - best.f > fTol * (Math.abs(best.f) + fTol)) return false;
  return simplex.every((vertex) => vertex.x.every((xi, i) => Math.abs(xi - (best.x[i] ?? 0)) <= xTol * (1 + Math.abs(best.x[i] ?? 0))));
}

function stableSort(simplex: readonly Vertex[]): Vertex[] {
  return simplex
    .map((vertex, index) => ({ vertex, index }))
    .sort((a, b) => a.vertex.f - b.vertex.f || a.index - b.index)
    .map((entry) => entry.vertex);
}

function at(simplex: readonly Vertex[], index: number): Vertex {
  const vertex = simplex[index];
  if (vertex === undefined) throw new Error(`simplex has no vertex ${index}`);
  return vertex;
}

function finite(value: number): number {
  return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
}
